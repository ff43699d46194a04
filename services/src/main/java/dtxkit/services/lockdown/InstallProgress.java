package dtxkit.services.lockdown;

/**
 * One progress message of an install or uninstall.
 *
 * @param status the device's {@code Status}, e.g. {@code CreatingStagingDirectory}, {@code InstallingApplication},
 *     {@code Complete}
 * @param percent {@code PercentComplete}, or -1 when the message has none
 */
public record InstallProgress(String status, int percent) {
}

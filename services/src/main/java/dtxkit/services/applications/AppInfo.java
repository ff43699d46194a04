package dtxkit.services.applications;

import dtxkit.annotations.Key;

/**
 * One entry of {@link ApplicationListing#installedApplicationsMatching}.
 *
 * @param bundleIdentifier {@code CFBundleIdentifier}
 * @param displayName {@code DisplayName}
 * @param executableName {@code ExecutableName}, or null
 * @param bundlePath {@code BundlePath}, or null
 * @param version {@code Version}, or null
 * @param type {@code Type}: {@code "System"}, {@code "User"}, {@code "PluginKit"}...; or null
 * @param placeholder {@code Placeholder}, or null
 * @param restricted {@code Restricted}, or null
 * @param pluginIdentifier {@code PluginIdentifier} of an extension, or null
 * @param containerBundleIdentifier {@code ContainerBundleIdentifier} of an extension's app, or null
 */
public record AppInfo(@Key("CFBundleIdentifier") String bundleIdentifier, @Key("DisplayName") String displayName,
        @Key("ExecutableName") String executableName, @Key("BundlePath") String bundlePath,
        @Key("Version") String version, @Key("Type") String type, @Key("Placeholder") Boolean placeholder,
        @Key("Restricted") Boolean restricted, @Key("PluginIdentifier") String pluginIdentifier,
        @Key("ContainerBundleIdentifier") String containerBundleIdentifier) {
}

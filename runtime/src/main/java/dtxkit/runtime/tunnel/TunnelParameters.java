package dtxkit.runtime.tunnel;

import java.net.Inet6Address;
import java.util.Objects;

/**
 * What the CDTunnel handshake settled: this host's address inside the tunnel, its netmask and MTU, and the device's
 * address with its RemoteServiceDiscovery port.
 *
 * @param clientAddress this host's tunnel address ({@code clientParameters.address})
 * @param prefixLength the netmask as a prefix length ({@code clientParameters.netmask}, e.g. 64)
 * @param mtu the largest packet either side sends ({@code clientParameters.mtu})
 * @param serverAddress the device's tunnel address ({@code serverAddress})
 * @param serverRsdPort the device's RSD port inside the tunnel ({@code serverRSDPort})
 */
public record TunnelParameters(Inet6Address clientAddress, int prefixLength, int mtu, Inet6Address serverAddress,
    int serverRsdPort) {
  /** Checks the values. */
  public TunnelParameters {
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(serverAddress, "serverAddress");
    if (prefixLength < 0 || prefixLength > 128) {
      throw new IllegalArgumentException("prefixLength " + prefixLength);
    }
    if (mtu < CdTunnel.MIN_MTU || mtu > CdTunnel.MAX_MTU) {
      throw new IllegalArgumentException("mtu " + mtu + " not in " + CdTunnel.MIN_MTU + ".." + CdTunnel.MAX_MTU);
    }
    if (serverRsdPort < 1 || serverRsdPort > 65535) {
      throw new IllegalArgumentException("serverRsdPort " + serverRsdPort);
    }
  }

  /** The netmask in the handshake's form, e.g. {@code ffff:ffff:ffff:ffff::} for 64. */
  public String netmask() {
    byte[] mask = new byte[16];
    for (int i = 0; i < prefixLength; i++) {
      mask[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    try {
      return compress(Inet6Address.getByAddress(null, mask, -1).getHostAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An IPv6 address in its shortest form ({@code fd00::1}, not {@code fd00:0:0:0:0:0:0:1}). */
  public static String compress(String address) {
    String a = address;
    int percent = a.indexOf('%');
    if (percent >= 0) {
      a = a.substring(0, percent);
    }
    String[] groups = a.split(":", -1);
    if (groups.length != 8) {
      return a;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < 8 && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLength) {
          bestStart = i;
          bestLength = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return a;
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
    return head + "::" + tail;
  }

  /** {@code client fd00::2/64, device fd00::1, RSD port 58783, MTU 16000}. */
  @Override
  public String toString() {
    return "client " + compress(clientAddress.getHostAddress()) + "/" + prefixLength + ", device "
        + compress(serverAddress.getHostAddress()) + ", RSD port " + serverRsdPort + ", MTU " + mtu;
  }
}

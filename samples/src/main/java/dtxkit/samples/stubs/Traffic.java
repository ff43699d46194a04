package dtxkit.samples.stubs;

import dtxkit.runtime.archive.ArchivedObject;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What recorded DTX traffic shows about its services: per service identifier (or {@code dtxproxy:} protocol), each
 * selector called with how often, the arguments' encodings and values, whether a reply was asked for and what the
 * replies held. Feed it connections with {@link #add}; {@link #services()} then gives the services sorted by name.
 *
 * <p>Who calls whom follows the channel: the side that opened a channel ({@code _requestChannelWithCode:identifier:})
 * is the service's client, so what it sends are the service's methods and what the other side sends on the channel
 * are its notifications. On a {@code dtxproxy:EXPORTED:CALLED} channel the opener exports the first protocol and
 * calls the second: what the opener sends are methods of the second, what the other side sends methods of the first.
 */
final class Traffic {

  static final String REQUEST_CHANNEL = "_requestChannelWithCode:identifier:";
  static final String PROXY_PREFIX = "dtxproxy:";

  /** A channel: who opened it (side 0 or 1) and its code. */
  private record ChannelKey(int opener, int code) {
  }

  /** A reply's address: the side that asked, the channel, the message identifier. */
  private record ReplyKey(int asker, ChannelKey channel, int identifier) {
  }

  /** One service (or proxy protocol) and what was seen of it. */
  static final class Service {
    final String name;
    final boolean proxy;
    /** Methods by selector. */
    final Map<String, Call> methods = new TreeMap<>();
    /** Notifications by selector. */
    final Map<String, Call> notifications = new TreeMap<>();
    /** DATA messages the service sent its client. */
    int dataMessages;
    int dataExampleLength;

    Service(String name, boolean proxy) {
      this.name = name;
      this.proxy = proxy;
    }
  }

  /** One selector. */
  static final class Call {
    final String selector;
    final List<Argument> arguments = new ArrayList<>();
    int count;
    int expectingReply;
    /** Replies seen: OK/empty ones, with a value, errors. */
    int emptyReplies;
    int valueReplies;
    int errorReplies;
    Shape reply = Shape.NONE;
    /** Calls with a different number of aux arguments than the selector has colons. */
    int arityMismatches;
    List<Object> exampleArguments;
    Object exampleReply;
    boolean hasExampleReply;

    Call(String selector) {
      this.selector = selector;
      int colons = (int) selector.chars().filter(c -> c == ':').count();
      for (int i = 0; i < colons; i++) {
        arguments.add(new Argument());
      }
    }
  }

  /** One argument position. */
  static final class Argument {
    /** Kinds seen (as aux arguments), with counts, sorted. */
    final Map<Observed.ArgKind, Integer> kinds = new TreeMap<>();
    Shape shape = Shape.NONE;
  }

  private final Map<String, Service> services = new TreeMap<>();
  private int unattributed;
  private int connections;

  /** Adds one connection: the messages of one side ({@code side} 0) and optionally of the other (side 1). */
  void add(List<Observed> messages) {
    connections++;
    Map<ChannelKey, String> channels = new HashMap<>();
    for (Observed m : messages) {
      if (m.type() == DtxMessageType.DISPATCH && REQUEST_CHANNEL.equals(m.selector()) && m.args().size() >= 2
          && m.args().get(0).value() instanceof Number code && m.args().get(1).value() instanceof String id
          && channelOf(m) == null) {
        channels.put(new ChannelKey(m.side(), code.intValue()), id);
      }
    }
    Map<ReplyKey, Observed> replies = new HashMap<>();
    for (Observed m : messages) {
      ChannelKey channel = channelOf(m);
      if (m.conversation() > 0 && channel != null) {
        replies.putIfAbsent(new ReplyKey(1 - m.side(), channel, m.identifier()), m);
      }
    }
    for (Observed m : messages) {
      ChannelKey channel = channelOf(m);
      if (channel == null || m.conversation() != 0) {
        continue;
      }
      String identifier = channels.get(channel);
      if (identifier == null) {
        if (m.type() == DtxMessageType.DISPATCH || m.type() == DtxMessageType.DATA) {
          unattributed++;
        }
        continue;
      }
      boolean byOpener = m.side() == channel.opener();
      if (m.type() == DtxMessageType.DATA && !byOpener && !identifier.startsWith(PROXY_PREFIX)) {
        Service s = service(identifier, false);
        s.dataMessages++;
        if (s.dataMessages == 1) {
          s.dataExampleLength = m.payloadLength();
        }
        continue;
      }
      if (m.type() != DtxMessageType.DISPATCH || m.selector() == null) {
        continue;
      }
      Call call;
      if (identifier.startsWith(PROXY_PREFIX)) {
        String[] parts = identifier.substring(PROXY_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          unattributed++;
          continue;
        }
        Service s = service(byOpener ? parts[1] : parts[0], true);
        call = s.methods.computeIfAbsent(m.selector(), Call::new);
      } else {
        Service s = service(identifier, false);
        call = (byOpener ? s.methods : s.notifications).computeIfAbsent(m.selector(), Call::new);
      }
      observe(call, m, m.expectsReply() ? replies.get(new ReplyKey(m.side(), channel, m.identifier())) : null);
    }
  }

  private static void observe(Call call, Observed m, Observed reply) {
    call.count++;
    if (m.args().size() != call.arguments.size()) {
      call.arityMismatches++;
    }
    for (int i = 0; i < call.arguments.size() && i < m.args().size(); i++) {
      Argument a = call.arguments.get(i);
      Observed.Arg arg = m.args().get(i);
      a.kinds.merge(arg.kind(), 1, Integer::sum);
      if (arg.kind() == Observed.ArgKind.OBJECT) {
        a.shape = a.shape.merge(Shape.of(arg.value()));
      }
    }
    if (call.exampleArguments == null) {
      List<Object> values = new ArrayList<>();
      m.args().forEach(a -> values.add(a.value()));
      call.exampleArguments = Collections.unmodifiableList(values);
    }
    if (m.expectsReply()) {
      call.expectingReply++;
    }
    if (reply != null) {
      if (reply.type() == DtxMessageType.ERROR || reply.payload() instanceof dtxkit.runtime.archive.NSError) {
        call.errorReplies++;
      } else if (reply.payload() == null) {
        call.emptyReplies++;
      } else {
        call.valueReplies++;
        call.reply = call.reply.merge(Shape.of(reply.payload()));
        if (!call.hasExampleReply) {
          call.hasExampleReply = true;
          call.exampleReply = reply.payload();
        }
      }
    }
  }

  /** The channel {@code m} travels on, or null for the control channel. */
  private static ChannelKey channelOf(Observed m) {
    int local = m.conversation() % 2 == 0 ? m.channelCode() : -m.channelCode();
    if (local == 0) {
      return null;
    }
    return local > 0 ? new ChannelKey(m.side(), local) : new ChannelKey(1 - m.side(), -local);
  }

  private Service service(String name, boolean proxy) {
    return services.computeIfAbsent((proxy ? "proxy " : "") + name, k -> new Service(name, proxy));
  }

  /** The services seen, sorted by name. */
  List<Service> services() {
    return List.copyOf(services.values());
  }

  /** Calls and DATA messages on channels whose opening was not in the recording. */
  int unattributed() {
    return unattributed;
  }

  /** Connections added. */
  int connections() {
    return connections;
  }

  /** True when {@code value} is an archived object (used by renderers). */
  static boolean isArchived(Object value) {
    return value instanceof ArchivedObject;
  }
}

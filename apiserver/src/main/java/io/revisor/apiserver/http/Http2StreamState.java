package io.revisor.apiserver.http;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * What Vert.x 5.1.6 and Netty hold for the HTTP/2 stream of a response, read through their private fields, for the
 * log line of a stalled watch stream (BENCHMARKS.md, finding 8): whether the stream's write queue waits for a
 * writability change that Netty does not send, or holds messages that nothing drains. Best effort: another Vert.x or
 * Netty version gives "unknown". Call it on the stream's event loop.
 */
final class Http2StreamState {
  private Http2StreamState() {
  }

  /**
   * The state of {@code response}'s stream: Vert.x's side (its writability flag, its write queue's overflow flag,
   * drain depth, unwritable signals and queued messages) and Netty's (the stream's writability as the flow controller
   * computes it now and as it last told Vert.x, its window and pending bytes; the connection's; the channel's).
   */
  static String describe(Object response) {
    try {
      Object stream = field(response, "stream");
      Object queue = field(stream, "outboundQueue");
      Object messages = field(queue, "mqp");
      StringBuilder out = new StringBuilder("Vert.x: writable=").append(field(stream, "writable"))
          .append(" queue overflow=").append(field(queue, "overflow"))
          .append(" draining=").append(field(queue, "draining"))
          .append(" unwritable signals=").append(field(queue, "numberOfUnwritableSignals"))
          .append(" queued=").append(call(messages, "wipGet"));
      Object handler = field(field(stream, "connection"), "handler");
      Object connection = call(handler, "connection");
      int id = ((Number) field(stream, "id")).intValue();
      Object nettyStream = connection.getClass().getMethod("stream", int.class).invoke(connection, id);
      Object flow = call(call(handler, "encoder"), "flowController");
      Object state = method(flow, "state", nettyStream);
      Object connectionState = field(flow, "connectionState");
      out.append("; Netty: stream ").append(id).append(" writable=").append(call(state, "isWritable"))
          .append(" told=").append(call(state, "markedWritability"))
          .append(" window=").append(call(state, "windowSize"))
          .append(" pending=").append(call(state, "pendingBytes"))
          .append("; connection told=").append(call(connectionState, "markedWritability"))
          .append(" window=").append(call(connectionState, "windowSize"))
          .append("; channel writable=").append(call(call(field(handler, "chctx"), "channel"), "isWritable"));
      return out.toString();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "unknown (" + e + ")";
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(target.getClass().getName() + "." + name);
  }

  private static Object call(Object target, String name) throws ReflectiveOperationException {
    return method(target, name);
  }

  private static Object method(Object target, String name, Object... args) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        if (method.getName().equals(name) && method.getParameterCount() == args.length) {
          method.setAccessible(true);
          return method.invoke(target, args);
        }
      }
    }
    for (Method method : target.getClass().getMethods()) { // an interface's default method
      if (method.getName().equals(name) && method.getParameterCount() == args.length) {
        method.setAccessible(true);
        return method.invoke(target, args);
      }
    }
    throw new NoSuchMethodException(target.getClass().getName() + "." + name);
  }
}

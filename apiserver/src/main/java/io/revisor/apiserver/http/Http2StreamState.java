package io.revisor.apiserver.http;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Vert.x 5.1.6 and Netty hold for the HTTP/2 stream of a response, read through their private fields, and the
 * repair of a missed writability change (BENCHMARKS.md, finding 8).
 *
 * <p>Netty's flow controller tells Vert.x when a stream's writability changes and remembers what it told; Vert.x's
 * stream waits, its write queue full, until it is told "writable". A pass over a connection's streams can skip some
 * that became writable (the channel turned unwritable for a moment during the pass), and nothing looks at them again:
 * Netty has them writable but last told "not writable". {@link #nudge} makes Netty compare the two for one stream
 * again (a window increment of 0), which tells Vert.x and lets the queue drain.
 *
 * <p>Best effort: with another Vert.x or Netty, {@link #describe} gives "unknown" and {@link #nudge} does nothing.
 * Call both on the connection's event loop.
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
      Object nettyStream = method(connection, "stream", id);
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

  /**
   * Tells Vert.x that {@code response}'s stream is writable when Netty computes it writable but last told Vert.x it
   * was not.
   *
   * @return whether the stream was in that state (and Vert.x has been told)
   */
  static boolean nudge(Object response) {
    try {
      Object stream = field(response, "stream");
      Object handler = field(field(stream, "connection"), "handler");
      if (!(Boolean) call(call(field(handler, "chctx"), "executor"), "inEventLoop")) {
        return false;
      }
      Object connection = call(handler, "connection");
      int id = ((Number) field(stream, "id")).intValue();
      Object nettyStream = method(connection, "stream", id);
      if (nettyStream == null) {
        return false;
      }
      Object flow = call(call(handler, "encoder"), "flowController");
      Object state = method(flow, "state", nettyStream);
      boolean writable = (Boolean) method(flow, "isWritable", nettyStream);
      if (!writable || (Boolean) call(state, "markedWritability")) {
        return false;
      }
      // A window increment of 0 changes nothing but makes the flow controller compare the stream's writability with
      // what it last told, and tell the change.
      method(flow, "incrementWindowSize", nettyStream, 0);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    Object found = MEMBERS.computeIfAbsent(new Key(target.getClass(), name, -1), Http2StreamState::findField);
    if (!(found instanceof Field field)) {
      throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }
    return field.get(target);
  }

  /** A field or method looked up once: a class, a name and, for a method, its number of parameters (-1: a field). */
  private record Key(Class<?> type, String name, int parameters) {}

  /** Fields and methods found, or {@link #MISSING}. */
  private static final Map<Key, Object> MEMBERS = new ConcurrentHashMap<>();
  private static final Object MISSING = new Object();

  private static Object findField(Key key) {
    for (Class<?> type = key.type(); type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getName().equals(key.name()) && trySetAccessible(field)) {
          return field;
        }
      }
    }
    return MISSING;
  }

  private static Object findMethod(Key key) {
    for (Class<?> type = key.type(); type != null; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        if (method.getName().equals(key.name()) && method.getParameterCount() == key.parameters()
            && trySetAccessible(method)) {
          return method;
        }
      }
    }
    for (Method method : key.type().getMethods()) { // an interface's default method
      if (method.getName().equals(key.name()) && method.getParameterCount() == key.parameters()
          && trySetAccessible(method)) {
        return method;
      }
    }
    return MISSING;
  }

  private static boolean trySetAccessible(java.lang.reflect.AccessibleObject member) {
    try {
      return member.trySetAccessible();
    } catch (SecurityException e) {
      return false;
    }
  }

  private static Object call(Object target, String name) throws ReflectiveOperationException {
    return method(target, name);
  }

  private static Object method(Object target, String name, Object... args) throws ReflectiveOperationException {
    Object found = MEMBERS.computeIfAbsent(new Key(target.getClass(), name, args.length), Http2StreamState::findMethod);
    if (!(found instanceof Method method)) {
      throw new NoSuchMethodException(target.getClass().getName() + "." + name);
    }
    return method.invoke(target, args);
  }
}

package io.thinpool.operator.lvm.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs commands on a node that is reached through a unix socket rather than nsenter: the test VM
 * and the local demo node (scripts/node). One JSON line per request ({@code id}, {@code argv},
 * base64 {@code stdin}, {@code timeoutSeconds}) and per reply ({@code id}, {@code exit}, {@code
 * timedOut}, base64 {@code stdout}/{@code stderr}); the far end runs argv without a shell and kills
 * it on timeout. Commands run side by side, as through nsenter: the far end runs each request in a
 * thread of its own and replies in any order, matched here by id, so a command that waits (the
 * agent's {@code dmsetup wait}) holds up no other.
 */
public final class SocketCommandRunner implements HostCommandRunner, AutoCloseable {

  /** How much longer than a command's own timeout to wait for the far end to report it. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SocketChannel channel;
  private final NodeLock lock;

  /** The requests sent and not answered yet, by id. */
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private final AtomicLong ids = new AtomicLong();

  /** Connects and waits until the far end answers: what every user of the socket needs first. */
  public static SocketCommandRunner connect(Path socket, Duration within) throws IOException {
    SocketCommandRunner runner = new SocketCommandRunner(socket);
    runner.awaitReady(within);
    return runner;
  }

  public SocketCommandRunner(Path socket) throws IOException {
    // The node behind a socket is reached only through that socket on this machine: engines
    // that share the node share the lock file beside it.
    lock = NodeLock.file(socket.resolveSibling(socket.getFileName() + ".lock"));
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    Thread reader = new Thread(this::readReplies, "node-socket-replies");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public NodeLock nodeLock() {
    return lock;
  }

  @Override
  public CommandResult run(HostCommand command) {
    try {
      JsonNode reply = await(send(command), command.timeout().plus(GRACE));
      if (reply == null) {
        throw new HostCommandException(
            FailureKind.TIMEOUT,
            "the node behind the socket did not answer `" + command.display() + "`",
            null);
      }
      return new CommandResult(
          reply.path("exit").asInt(),
          decode(reply.path("stdout").asText()),
          decode(reply.path("stderr").asText()),
          reply.path("timedOut").asBoolean());
    } catch (IOException e) {
      throw new HostCommandException(
          FailureKind.FAILED, "lost the node socket: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostCommandException(
          FailureKind.FAILED, "interrupted while running `" + command.display() + "`", e);
    }
  }

  /**
   * Waits until the far end answers. What is written before the guest has opened its port is lost,
   * so a no-op is sent again every second until one comes back.
   */
  public void awaitReady(Duration within) {
    HostCommand probe = HostCommand.of("true");
    long deadline = System.nanoTime() + within.toNanos();
    try {
      while (await(send(probe), Duration.ofSeconds(1)) == null) {
        if (System.nanoTime() > deadline) {
          throw new HostCommandException(
              FailureKind.TIMEOUT, "the node behind the socket never answered", null);
        }
      }
    } catch (IOException e) {
      throw new HostCommandException(
          FailureKind.FAILED, "lost the node socket: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostCommandException(FailureKind.FAILED, "interrupted", e);
    }
  }

  /** Sends {@code command}; its reply completes the returned future. */
  private CompletableFuture<JsonNode> send(HostCommand command) throws IOException {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    // Forgotten once answered or given up on, and also when the request cannot be written.
    reply.whenComplete((done, failure) -> pending.remove(id));
    ObjectNode request = JSON.createObjectNode();
    request.put("id", id);
    request.putPOJO("argv", command.argv());
    request.put("stdin", Base64.getEncoder().encodeToString(command.stdin()));
    request.put("timeoutSeconds", Math.max(1, command.timeout().toSeconds()));
    // Written on the channel itself: Channels' stream adapters would share one lock with the
    // reader thread and block behind its pending read.
    // One request line at a time: a partial write must not interleave with another thread's.
    ByteBuffer line =
        ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      synchronized (channel) {
        while (line.hasRemaining()) {
          channel.write(line);
        }
      }
    } catch (IOException e) {
      reply.cancel(false);
      throw e;
    }
    return reply;
  }

  /** The reply, or null when none came in time (a late one is then dropped). */
  private static JsonNode await(CompletableFuture<JsonNode> reply, Duration within)
      throws InterruptedException {
    try {
      return reply.get(within.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reply.cancel(false);
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a reply is only ever completed with a value", e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private void readReplies() {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b == '\n') {
            JsonNode reply = JSON.readTree(line.toByteArray());
            CompletableFuture<JsonNode> waiting = pending.get(reply.path("id").asLong());
            if (waiting != null) {
              waiting.complete(reply);
            }
            line.reset();
          } else {
            line.write(b);
          }
        }
        buffer.clear();
      }
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("unreadable reply from the node socket", e);
    } catch (IOException e) {
      // closed: callers waiting for a reply time out with a clear message
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}

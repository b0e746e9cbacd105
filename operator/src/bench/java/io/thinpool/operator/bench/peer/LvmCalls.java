package io.thinpool.operator.bench.peer;

import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.testnode.NodeVm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every LVM command run on the node, with the name of the process that ran it: the node's {@code
 * lvm} (every LVM command is a link to it) is replaced by a script that appends a line to a log and
 * execs the real one under the same name. Both tools reach LVM through {@code nsenter -t 1}, so the
 * caller is the first ancestor that is neither nsenter nor a shell: {@code java} for the agent,
 * {@code lvms} for vg-manager; dmeventd's extensions run inside dmeventd and are not commands. Bash
 * builtins only, so that the record costs each command no extra process.
 */
final class LvmCalls {

  private static final String LOG = "/var/log/thinpool-bench-lvm-calls.log";
  private static final String WRAPPER =
      """
      #!/bin/bash
      # thinpool-operator peer benchmark: records the command and its caller, then runs LVM.
      pid=$PPID comm=?
      for _ in 1 2 3 4; do
        read -r comm < "/proc/$pid/comm" || break
        case "$comm" in nsenter|timeout|sh|bash) ;; *) break ;; esac
        while read -r key value; do [ "$key" = PPid: ] && { pid=$value; break; }; done < "/proc/$pid/status"
      done
      printf '%s %s %s\\n' "$EPOCHREALTIME" "$comm" "${0##*/} $*" >> LOG
      exec -a "$0" /usr/sbin/lvm.real "$@"
      """
          .replace("LOG", LOG);

  /** One LVM command: when, who ran it, and its words (program first). */
  record Call(Instant at, String caller, String command) {

    String program() {
      return command.split(" ", 2)[0];
    }
  }

  private final NodeVm node;

  private LvmCalls(NodeVm node) {
    this.node = node;
  }

  /** Puts the recorder in place of the node's lvm (the real one stays as lvm.real). */
  static LvmCalls install(NodeVm node) {
    node.run(
        new HostCommand(
            List.of("tee", "/usr/sbin/lvm.bench"),
            WRAPPER.getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(30)));
    node.must("chmod", "0755", "/usr/sbin/lvm.bench");
    node.must("cp", "-a", "/usr/sbin/lvm", "/usr/sbin/lvm.real");
    node.must("mv", "/usr/sbin/lvm.bench", "/usr/sbin/lvm"); // a rename: lvm is never missing
    node.must("lvm", "version"); // the recorder runs LVM
    return new LvmCalls(node);
  }

  /** The calls recorded so far. */
  List<Call> all() {
    return node.must("cat", LOG).lines().map(LvmCalls::parse).toList();
  }

  /** The calls this caller made in [from, to). */
  List<Call> by(String caller, Instant from, Instant to) {
    return all().stream()
        .filter(c -> c.caller().equals(caller))
        .filter(c -> !c.at().isBefore(from) && c.at().isBefore(to))
        .toList();
  }

  private static Call parse(String line) {
    String[] parts = line.split(" ", 3);
    String[] seconds = parts[0].split("\\.");
    Instant at =
        Instant.ofEpochSecond(Long.parseLong(seconds[0]), Long.parseLong(seconds[1]) * 1000);
    return new Call(at, parts[1], parts.length > 2 ? parts[2] : "");
  }
}

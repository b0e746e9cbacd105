# thinpool-operator: one image, three modes (Main): `agent` (the default, one per node, a
# privileged hostPID DaemonSet pod), `controller`, `engine ...`. Built by scripts/image/build.sh
# with buildah and no registry: scripts/image/base.sh makes the base locally with debootstrap.
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
# The slim base keeps man pages out, yet the JDK's postinst links its man pages as alternatives:
# the directory must exist.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
# The build context is only the poms and the main sources (.dockerignore). One COPY and one RUN
# after the JDK: with vfs storage every layer is a full copy of the tree, so few layers it is.
COPY . /src/
# Maven's repository is a cache mount: kept between builds on the machine, never in a layer.
# When the build passes a trust store as the secret cacerts (build.sh passes the machine's Java
# one, mounted for this step only), Maven trusts it: Maven Central may be reached through a
# TLS-inspecting proxy. Without the secret (a plain docker build), the JDK's own store is used.
# Then the runtime (scripts/image/jre.sh: a jlinked JRE of the modules the jar uses, trusting no
# public CA), which the agent benchmark builds the same way. Its class-data-sharing archive is
# made in the runtime stage, from the application's class list.
RUN --mount=type=cache,target=/root/.m2 --mount=type=secret,id=cacerts \
    if [ -f /run/secrets/cacerts ]; then export MAVEN_OPTS=-Djavax.net.ssl.trustStore=/run/secrets/cacerts; fi \
 && mvn -B -ntp -q -f /src/pom.xml -pl operator -am package -DskipTests -Dspotless.check.skip=true \
 && jar=/src/operator/target/thinpool-operator.jar \
 && /src/scripts/image/jre.sh "$jar" /out/java \
 && mkdir /out/thinpool && cp "$jar" /src/operator/src/main/cds/*.classlist /out/thinpool/ \
 && rm -rf /src

FROM ${BASE_IMAGE}
# Nothing is installed on the base: LVM runs on the host, reached with `nsenter -t 1` (util-linux,
# already in the base), so the host's own lvm2 and dmeventd manage its pools and no second LVM
# with its own locks and cache lives in the image.
COPY --from=build /out/ /opt/
# Two class-data-sharing archives, one per mode, each dumped from the classes that mode loads
# (scripts/update-cds-classlist.sh): their metadata is mapped from the file, already parsed and
# verified, instead of built in native memory at every start (less memory, faster start). One
# archive for both would be resident whole in each: the kernel maps an archive's neighbouring pages
# with every fault, so the other mode's classes would cost each pod about 2 MiB. The agent's is the
# JVM's default archive (the image's default command, and the engine's); the chart's controller
# command names the controller's. Dumped here, against the jar at its final path and timestamp,
# which an archive records; -Xshare:on then fails the build if the image's JVM cannot use one.
RUN dump() { /opt/java/bin/java -XX:+UseSerialGC -Xshare:dump -XX:SharedArchiveFile="$2" \
      -XX:SharedClassListFile=/opt/thinpool/$1.classlist -cp /opt/thinpool/thinpool-operator.jar >/dev/null \
      && /opt/java/bin/java -Xshare:on -XX:SharedArchiveFile="$2" -jar /opt/thinpool/thinpool-operator.jar --help >/dev/null; } \
 && dump agent /opt/java/lib/server/classes.jsa \
 && dump controller /opt/thinpool/controller.jsa
# The JVM's footprint (scripts/bench-agent.sh measures the agent with the same options): the heap
# follows the pod's memory limit (a quarter of it) but starts at 8 MiB and is given back when
# free; serial GC, C1 only with one compiler thread, a small code cache, no perf-data file in /tmp.
# The CDS archive is mapped at the address it was dumped for (ArchiveRelocationMode=0, JDK 17's
# default until an update made it 1): relocated, every page of it is patched, so about 19 MiB of
# it became anonymous memory; at its address it stays clean file pages the kernel can reclaim.
# The cost: the class metadata is at a fixed address, not randomized. Reflection stays on the JVM's
# native accessors: by default the 16th call of a method through reflection (Jackson's getters
# and setters at each status write) generates a class with a class loader of its own, so an idle
# agent would go on loading classes for hours; the native call costs well under a microsecond more.
# The java launcher reads JDK_JAVA_OPTIONS (no shell in between): setting it replaces the set.
ENV JAVA_HOME=/opt/java \
    JDK_JAVA_OPTIONS="-XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:MaxRAMPercentage=25 -Xms8m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xss512k -XX:MaxMetaspaceSize=64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError -Dsun.reflect.inflationThreshold=2147483647"
# Root, on purpose: the agent enters the host's namespaces (nsenter -t 1, hostPID) and drives
# device-mapper as a privileged pod, which needs root. The controller needs none of it: its pod
# can run as any non-root user (securityContext runAsUser), the image asks for nothing of it.
ENTRYPOINT ["/opt/java/bin/java", "-jar", "/opt/thinpool/thinpool-operator.jar"]
CMD ["agent"]
# Last, so that a new revision rebuilds no layer but this one.
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="thinpool-operator" \
      org.opencontainers.image.description="Declarative Docker direct-lvm thin pools for Kubernetes nodes: node agent, controller and LVM engine" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.SelectorRules;
import io.thinpool.operator.rules.Violation;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rules are written once (the {@code rules} package) and checked twice: by the CRDs' schema at
 * admission and by the agent (the controller, for node selectors) before it acts. Each case of the
 * table goes through the real API server (a dry-run create, as ThinPoolConfig and as ThinPool) and
 * through the agent's own validation; the test fails on any disagreement, on a verdict other than
 * the table's, and on a refusal that does not name the field, the value (at admission) and what is
 * allowed in the rules' words.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class RulesParityIT {

  static KubernetesClient client;

  /** The cases' specs are YAML flow maps, which a JSON reader would take for JSON. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One spec and what should become of it.
   *
   * @param spec YAML of the spec's fields; devices default to [/dev/sdb] when not given
   * @param field the field a refusal names (null: the spec is valid)
   * @param value the refused value as admission shows it (null: not shown, e.g. too long, or a sum
   *     of two fields, which a CEL message cannot print)
   * @param words the rules' words for what is allowed (null: the API server's own, for bounds)
   */
  record Case(String spec, String field, String value, String words) {
    boolean valid() {
      return field == null;
    }
  }

  static Case valid(String spec) {
    return new Case(spec, null, null, null);
  }

  static Case invalid(String spec, String field, String value, String words) {
    return new Case(spec, field, value, words);
  }

  private static final String LONG_NAME = "v".repeat(PoolRules.LVM_NAME_MAX_LENGTH);
  private static final String SIXTEEN_DEVICES = devices(16);
  private static final String SEVENTEEN_DEVICES = devices(17);

  static final List<Case> POOL_CASES =
      List.of(
          valid(""),
          valid(
              "{devices: [/dev/sdb], volumeGroup: docker, poolName: thinpool, metadataName:"
                  + " thinpoolmeta, dataPercentOfVg: 90, metadataPercentOfVg: 5, chunkSize: 512Ki,"
                  + " zeroing: false, wipeSignatures: true, autoextend: {profile: docker-thinpool,"
                  + " thresholdPercent: 80, extendPercent: 20}, destroyExistingDataOnDevices: false,"
                  + " adoptExisting: false, planOnly: false, deletionPolicy: Retain}"),
          valid("{devices: [/dev/nvme0n1]}"),
          valid("{devices: [/dev/disk/by-id/wwn-0x5000c500a1b2c3d4]}"),
          valid("{devices: ['/dev/disk/by-path/pci-0000:00:1f.2-ata-1']}"),
          valid("{devices: [/dev/mapper/mpatha]}"),
          valid("{devices: [/dev/xvdf, /dev/sdc]}"),
          valid(SIXTEEN_DEVICES),
          valid("{volumeGroup: vg_data-1}"),
          valid("{volumeGroup: a}"),
          valid("{poolName: pool.v2, metadataName: meta+1}"),
          valid("{volumeGroup: " + LONG_NAME + "}"),
          valid("{dataPercentOfVg: 1, metadataPercentOfVg: 1}"),
          valid("{dataPercentOfVg: 95, metadataPercentOfVg: 5}"),
          valid("{chunkSize: 64Ki}"),
          valid("{chunkSize: 1Gi}"),
          valid("{chunkSize: '65536'}"),
          valid("{chunkSize: 2Mi}"),
          valid("{chunkSize: '1073741824'}"),
          valid("{metadataSize: 2Mi}"),
          valid("{metadataSize: 1Gi}"),
          valid("{metadataSize: 16192Mi}"),
          valid("{metadataSize: '2097152'}"),
          valid("{autoextend: {thresholdPercent: 50, extendPercent: 1}}"),
          valid("{autoextend: {thresholdPercent: 100, extendPercent: 100}}"),
          valid("{autoextend: {profile: snapshots.v1}}"),
          valid("{deletionPolicy: Delete}"),
          valid(
              "{zeroing: true, wipeSignatures: false, destroyExistingDataOnDevices: true,"
                  + " adoptExisting: true, planOnly: true}"),
          invalid("{devices: []}", "devices", null, null),
          invalid("{volumeGroup: docker, devices: null}", "devices", null, null),
          invalid("{devices: [sdb]}", "devices", "sdb", PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: ['/dev/sdb; rm -rf /']}",
              "devices",
              "/dev/sdb; rm -rf /",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: ['/dev/sdb$(reboot)']}",
              "devices",
              "/dev/sdb$(reboot)",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/dev/../etc/passwd]}",
              "devices",
              "/dev/../etc/passwd",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/dev/disk/by-id/../../sda]}",
              "devices",
              "/dev/disk/by-id/../../sda",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/tmp/disk.img]}",
              "devices",
              "/tmp/disk.img",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid("{devices: ['/dev/sd b']}", "devices", "/dev/sd b", PoolRules.NOT_A_DEVICE_PATH),
          invalid("{devices: [/dev/-sdb]}", "devices", "/dev/-sdb", PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/dev/.hidden]}", "devices", "/dev/.hidden", PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/dev/disk/by-id/..]}",
              "devices",
              "/dev/disk/by-id/..",
              PoolRules.NOT_A_DEVICE_PATH),
          invalid(
              "{devices: [/dev/mapper/.x]}",
              "devices",
              "/dev/mapper/.x",
              PoolRules.NOT_A_DEVICE_PATH),
          // A value with a line break cannot be shown: the API server refuses such a message.
          invalid("{devices: [\"/dev/sdb\\n\"]}", "devices", null, PoolRules.NOT_A_DEVICE_PATH),
          invalid("{volumeGroup: \"docker\\n\"}", "volumeGroup", null, PoolRules.NOT_AN_LVM_NAME),
          invalid(
              "{devices: [/dev/sdb, /dev/sdc, /dev/sdb]}",
              "devices",
              "/dev/sdb",
              PoolRules.LISTED_TWICE),
          invalid(SEVENTEEN_DEVICES, "devices", "17", null),
          invalid("{volumeGroup: .}", "volumeGroup", ".", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: ..}", "volumeGroup", "..", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: -docker}", "volumeGroup", "-docker", PoolRules.NOT_AN_LVM_NAME),
          invalid(
              "{volumeGroup: 'docker vg'}", "volumeGroup", "docker vg", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: docker/x}", "volumeGroup", "docker/x", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: 'a;b'}", "volumeGroup", "a;b", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: ''}", "volumeGroup", "''", PoolRules.NOT_AN_LVM_NAME),
          invalid("{volumeGroup: " + LONG_NAME + "v}", "volumeGroup", null, null),
          invalid("{poolName: snapshot1}", "poolName", "snapshot1", PoolRules.RESERVED_BY_LVM),
          invalid("{poolName: pvmove0}", "poolName", "pvmove0", PoolRules.RESERVED_BY_LVM),
          invalid("{poolName: pool_tdata}", "poolName", "pool_tdata", PoolRules.RESERVED_BY_LVM),
          invalid("{poolName: ..}", "poolName", "..", PoolRules.NOT_AN_LVM_NAME),
          invalid(
              "{metadataName: x_tmeta_y}", "metadataName", "x_tmeta_y", PoolRules.RESERVED_BY_LVM),
          invalid("{volumeGroup: vg_cdata}", "volumeGroup", "vg_cdata", PoolRules.RESERVED_BY_LVM),
          invalid(
              "{metadataName: thinpool}", "metadataName", "thinpool", PoolRules.SAME_AS_POOL_NAME),
          invalid(
              "{poolName: thinpoolmeta}",
              "metadataName",
              "thinpoolmeta",
              PoolRules.SAME_AS_POOL_NAME),
          invalid(
              "{autoextend: {profile: ..}}", "autoextend.profile", "..", PoolRules.NOT_AN_LVM_NAME),
          invalid(
              "{autoextend: {profile: -p}}", "autoextend.profile", "-p", PoolRules.NOT_AN_LVM_NAME),
          invalid(
              "{autoextend: {profile: thin-performance}}",
              "autoextend.profile",
              "thin-performance",
              PoolRules.SHIPPED_BY_LVM2),
          valid("{autoextend: {profile: thin-performance-docker}}"),
          invalid(
              "{autoextend: {profile: ../evil}}",
              "autoextend.profile",
              "../evil",
              PoolRules.NOT_AN_LVM_NAME),
          invalid("{dataPercentOfVg: 0}", "dataPercentOfVg", "0", null),
          invalid("{dataPercentOfVg: 100, metadataPercentOfVg: 0}", "dataPercentOfVg", "100", null),
          invalid("{metadataPercentOfVg: 0}", "metadataPercentOfVg", "0", null),
          invalid("{dataPercentOfVg: 96}", "dataPercentOfVg", null, PoolRules.ONE_VOLUME_GROUP),
          invalid(
              "{dataPercentOfVg: 60, metadataPercentOfVg: 41}",
              "dataPercentOfVg",
              null,
              PoolRules.ONE_VOLUME_GROUP),
          invalid("{chunkSize: 96Ki}", "chunkSize", "96Ki", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: 32Ki}", "chunkSize", "32Ki", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: 2Gi}", "chunkSize", "2Gi", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: big}", "chunkSize", "big", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: 0.5Mi}", "chunkSize", "0.5Mi", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: 512k}", "chunkSize", "512k", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: 512KiB}", "chunkSize", "512KiB", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: ' 512Ki'}", "chunkSize", " 512Ki", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: '-64Ki'}", "chunkSize", "-64Ki", PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{chunkSize: '0'}", "chunkSize", "0", PoolRules.NOT_A_CHUNK_SIZE),
          invalid(
              "{chunkSize: 99999999999999Gi}",
              "chunkSize",
              "99999999999999Gi",
              PoolRules.NOT_A_CHUNK_SIZE),
          invalid("{metadataSize: 1Mi}", "metadataSize", "1Mi", PoolRules.NOT_A_METADATA_SIZE),
          invalid(
              "{metadataSize: 16193Mi}", "metadataSize", "16193Mi", PoolRules.NOT_A_METADATA_SIZE),
          invalid("{metadataSize: 16Gi}", "metadataSize", "16Gi", PoolRules.NOT_A_METADATA_SIZE),
          invalid("{metadataSize: 1G}", "metadataSize", "1G", PoolRules.NOT_A_METADATA_SIZE),
          invalid("{metadataSize: 1.5Gi}", "metadataSize", "1.5Gi", PoolRules.NOT_A_METADATA_SIZE),
          invalid("{metadataSize: big}", "metadataSize", "big", PoolRules.NOT_A_METADATA_SIZE),
          invalid("{metadataSize: '0'}", "metadataSize", "0", PoolRules.NOT_A_METADATA_SIZE),
          invalid(
              "{autoextend: {thresholdPercent: 49}}", "autoextend.thresholdPercent", "49", null),
          invalid(
              "{autoextend: {thresholdPercent: 101}}", "autoextend.thresholdPercent", "101", null),
          invalid("{autoextend: {extendPercent: 0}}", "autoextend.extendPercent", "0", null),
          invalid("{autoextend: {extendPercent: 101}}", "autoextend.extendPercent", "101", null),
          invalid("{deletionPolicy: Destroy}", "deletionPolicy", "Destroy", null));

  static final List<Case> SELECTOR_CASES =
      List.of(
          valid("{nodeSelector: {}}"),
          valid("{nodeSelector: {matchLabels: {thinpool.io/storage: 'true'}}}"),
          valid("{nodeSelector: {matchLabels: {zone: ''}}}"),
          valid("{nodeSelector: {matchLabels: {example.com/disk-type: ssd_1.x}}}"),
          valid("{nodeSelector: {matchExpressions: [{key: zone, operator: In, values: [a, b]}]}}"),
          valid("{nodeSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [a]}]}}"),
          valid(
              "{nodeSelector: {matchExpressions: [{key: thinpool.io/storage, operator: Exists}]}}"),
          valid("{nodeSelector: {matchExpressions: [{key: spot, operator: DoesNotExist}]}}"),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: in, values: [a]}]}}",
              "nodeSelector.matchExpressions[0].operator",
              "in",
              SelectorRules.NOT_AN_OPERATOR),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: Equals, values: [a]}]}}",
              "nodeSelector.matchExpressions[0].operator",
              "Equals",
              SelectorRules.NOT_AN_OPERATOR),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: In}]}}",
              "nodeSelector.matchExpressions[0].values",
              null,
              SelectorRules.VALUES_REQUIRED),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: NotIn, values: []}]}}",
              "nodeSelector.matchExpressions[0].values",
              null,
              SelectorRules.VALUES_REQUIRED),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: Exists, values: [a]}]}}",
              "nodeSelector.matchExpressions[0].values",
              null,
              SelectorRules.VALUES_FORBIDDEN),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: 'bad key', operator: Exists}]}}",
              "nodeSelector.matchExpressions[0].key",
              "bad key",
              SelectorRules.NOT_A_LABEL_KEY),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: /storage, operator: Exists}]}}",
              "nodeSelector.matchExpressions[0].key",
              "/storage",
              SelectorRules.NOT_A_LABEL_KEY),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: Example.com/x, operator: Exists}]}}",
              "nodeSelector.matchExpressions[0].key",
              "Example.com/x",
              SelectorRules.NOT_A_LABEL_KEY),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: "
                  + "k".repeat(64)
                  + ", operator: Exists}]}}",
              "nodeSelector.matchExpressions[0].key",
              "k".repeat(64),
              SelectorRules.NOT_A_LABEL_KEY),
          invalid(
              "{nodeSelector: {matchExpressions: [{key: zone, operator: In, values: [-x]}]}}",
              "nodeSelector.matchExpressions[0].values",
              "-x",
              SelectorRules.NOT_A_LABEL_VALUE),
          invalid(
              "{nodeSelector: {matchLabels: {'a b': x}}}",
              "nodeSelector.matchLabels",
              "a b",
              SelectorRules.NOT_A_LABEL_KEY),
          invalid(
              "{nodeSelector: {matchLabels: {zone: 'not ok!'}}}",
              "nodeSelector.matchLabels",
              "not ok!",
              SelectorRules.NOT_A_LABEL_VALUE),
          invalid(
              "{nodeSelector: {matchLabels: {zone: " + "z".repeat(64) + "}}}",
              "nodeSelector.matchLabels",
              null,
              null));

  @BeforeAll
  static void installCrds() {
    KubeApi.installCrds(client);
  }

  /** What one side made of a case: accepted, or refused with this message. */
  record Verdict(boolean accepted, String message) {
    static final Verdict ACCEPTED = new Verdict(true, "");
  }

  @Test
  void theApiServerAndTheAgentAgreeOnEveryPoolSpec() {
    assertThat(POOL_CASES.size()).isGreaterThan(70);
    List<String> disagreements = new ArrayList<>();
    for (Case c : POOL_CASES) {
      Map<String, Object> spec = spec(c);
      Map<String, Object> poolSpec = new LinkedHashMap<>(spec);
      poolSpec.put("nodeName", "node-a");
      check(c, "ThinPoolConfig", admit("ThinPoolConfig", spec), disagreements);
      check(c, "ThinPool", admit("ThinPool", poolSpec), disagreements);
      check(c, "the agent", agent(poolSpec), disagreements);
    }
    assertThat(disagreements).isEmpty();
  }

  @Test
  void theApiServerAndTheControllerAgreeOnEveryNodeSelector() {
    assertThat(SELECTOR_CASES.size()).isGreaterThan(20);
    List<String> disagreements = new ArrayList<>();
    for (Case c : SELECTOR_CASES) {
      Map<String, Object> spec = spec(c);
      check(c, "ThinPoolConfig", admit("ThinPoolConfig", spec), disagreements);
      check(c, "the controller", controller(spec), disagreements);
    }
    assertThat(disagreements).isEmpty();
  }

  /** Records how {@code verdict} departs from the table, if it does. */
  private static void check(Case c, String by, Verdict verdict, List<String> disagreements) {
    boolean admission = by.startsWith("Thin");
    String wrong = null;
    if (verdict.accepted() != c.valid()) {
      wrong = c.valid() ? "refused: " + verdict.message() : "accepted";
    } else if (!c.valid()) {
      String message = verdict.message();
      if (!message.contains((admission ? "spec." : "") + c.field())) {
        wrong = "does not name " + c.field() + ": " + message;
      } else if (admission && c.value() != null && !message.contains(c.value())) {
        wrong = "does not show " + c.value() + ": " + message;
      } else if (c.words() != null && !message.contains(c.words())) {
        wrong = "not in the rules' words: " + message;
      }
    }
    if (wrong != null) {
      disagreements.add(c.spec() + " by " + by + ": " + wrong);
    }
  }

  /** A dry-run create: the API server admits it or not, and stores nothing. */
  private static Verdict admit(String kind, Map<String, Object> spec) {
    GenericKubernetesResource resource =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(ThinPoolConfig.GROUP + "/" + ThinPoolConfig.VERSION)
            .withKind(kind)
            .withNewMetadata()
            .withName("parity.node-a")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    try {
      client.resource(resource).dryRun().create();
      return Verdict.ACCEPTED;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as("%s %s: %s", kind, spec, e.getMessage()).isEqualTo(422);
      return new Verdict(false, e.getMessage());
    }
  }

  /** The agent's view: the spec as it deserializes it, converted and validated by the engine. */
  private static Verdict agent(Map<String, Object> spec) {
    return validated(
        spec,
        ThinPoolSpec.class,
        parsed ->
            PoolSpecs.of(parsed, PoolSpec.runbook().owner()).violations().stream()
                .map(Violation::describe)
                .toList());
  }

  /** The controller's view of a node selector. */
  private static Verdict controller(Map<String, Object> spec) {
    return validated(
        spec, ThinPoolConfigSpec.class, parsed -> LabelSelectors.errors(parsed.nodeSelector));
  }

  private static <T> Verdict validated(
      Map<String, Object> spec, Class<T> type, Function<T, List<String>> validation) {
    List<String> errors;
    try {
      T parsed =
          client
              .getKubernetesSerialization()
              .unmarshal(client.getKubernetesSerialization().asJson(spec), type);
      errors = validation.apply(parsed);
    } catch (KubernetesClientException | IllegalArgumentException e) {
      errors = List.of(causes(e)); // what cannot be read is refused, too
    }
    return errors.isEmpty() ? Verdict.ACCEPTED : new Verdict(false, String.join("; ", errors));
  }

  /** The messages of an exception and its causes: the innermost says what was wrong. */
  private static String causes(Throwable e) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append("; ");
    }
    return messages.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Case c) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("devices", List.of("/dev/sdb"));
    if (!c.spec().isEmpty()) {
      try {
        spec.putAll(YAML.readValue(c.spec(), Map.class));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(c.spec(), e);
      }
    }
    spec.values().removeIf(v -> v == null);
    return spec;
  }

  private static String devices(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "/dev/vd" + (char) ('a' + i))
        .reduce((a, b) -> a + ", " + b)
        .map(list -> "{devices: [" + list + "]}")
        .orElseThrow();
  }
}

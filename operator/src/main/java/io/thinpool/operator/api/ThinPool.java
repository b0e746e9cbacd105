package io.thinpool.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One node's pool, kept by the controller and acted on only by that node's agent. */
@Group(ThinPoolConfig.GROUP)
@Version(ThinPoolConfig.VERSION)
@ShortNames("tp")
@AdditionalPrinterColumn(
    name = "Node",
    jsonPath = ".spec.nodeName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Config",
    jsonPath = ".metadata.labels.thinpool\\.io/config",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".status.pool.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Data%",
    jsonPath = ".status.pool.dataPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Meta%",
    jsonPath = ".status.pool.metadataPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Devices",
    jsonPath = ".status.pool.thinDevices",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Autoextend",
    jsonPath = ".status.autoextend.state",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ThinPool extends CustomResource<ThinPoolSpec, ThinPoolStatus> {

  /** Labels the controller puts on every ThinPool: agents select theirs by node, server-side. */
  public static final String CONFIG_LABEL = "thinpool.io/config";

  public static final String NODE_LABEL = "thinpool.io/node";

  /**
   * The one way to ask for a metadata repair: its value must be the token that the ThinPool's
   * status shows for the damage seen now ({@code status.metadataRepair.token}).
   */
  public static final String REPAIR_ANNOTATION = "thinpool.io/repair-metadata";

  /**
   * The one way to consent to a deletionPolicy Delete destroying a pool that holds data: its value
   * must be the consent token that the TeardownRefused condition names for what the pool holds now.
   */
  public static final String DESTROY_DATA_ANNOTATION = "thinpool.io/destroy-data";

  /** Label values stop at 63 characters; longer node names are cut and made unique by a hash. */
  public static String labelValue(String name) {
    if (name.length() <= 63) {
      return name;
    }
    return name.substring(0, 54) + "-" + sha256(name).substring(0, 8);
  }

  /** One ThinPool per (config, node): {@code <config>.<node>}, shortened the same way past 253. */
  public static String nameFor(String config, String node) {
    String name = config + "." + node;
    return name.length() <= 253
        ? name
        : name.substring(0, 244) + "-" + sha256(name).substring(0, 8);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final long serialVersionUID = 1L;

  /** Required by the schema: an object without a spec is refused at admission, not ignored. */
  @Override
  @Required
  public ThinPoolSpec getSpec() {
    return super.getSpec();
  }
}

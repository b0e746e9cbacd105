package io.thinpool.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A thin pool wanted on a set of nodes (cluster-scoped, like a DaemonSet for pools). */
@Group(ThinPoolConfig.GROUP)
@Version(ThinPoolConfig.VERSION)
@ShortNames("tpc")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.ready",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Max Data%",
    jsonPath = ".status.maxDataPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Max Meta%",
    jsonPath = ".status.maxMetadataPercent",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ThinPoolConfig extends CustomResource<ThinPoolConfigSpec, ThinPoolConfigStatus> {

  public static final String GROUP = "thinpool.io";
  public static final String VERSION = "v1alpha1";

  private static final long serialVersionUID = 1L;

  /** Required by the schema: an object without a spec is refused at admission, not ignored. */
  @Override
  @Required
  public ThinPoolConfigSpec getSpec() {
    return super.getSpec();
  }
}

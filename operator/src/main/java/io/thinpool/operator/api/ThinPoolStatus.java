package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the node's agent observed, written only by that agent. */
public class ThinPoolStatus {

  @JsonPropertyDescription("The spec generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Pending, Ready, Degraded, Refused, Failed or Deleting.")
  public String phase;

  @JsonPropertyDescription(
      "Ready, Monitored, AutoextendReady, DevicesAccepted and Conflict, Kubernetes-style.")
  public List<Condition> conditions = new ArrayList<>();

  public VolumeGroupStatus volumeGroup;
  public PoolStatus pool;
  public AutoextendStatus autoextend;

  @JsonPropertyDescription("Devices from the spec that are not used, each with the reason.")
  public List<ExcludedDevice> excludedDevices = new ArrayList<>();

  @JsonPropertyDescription("The last failure of a host command, if the last reconcile failed.")
  public String lastError;

  public static class VolumeGroupStatus {
    public String name;
    public Long sizeBytes;
    public Long freeBytes;
    public List<String> devices = new ArrayList<>();
  }

  public static class PoolStatus {
    @JsonPropertyDescription("Pool data size, human-readable (for kubectl get).")
    public String size;

    public Long sizeBytes;
    public Double dataPercent;
    public Double metadataPercent;
    public Long metadataSizeBytes;
    public Long chunkSizeBytes;
    public Boolean zeroing;
  }

  public static class AutoextendStatus {
    @JsonPropertyDescription(
        "Ready when dmeventd can extend the pool, otherwise why not in one word (NotMonitored, NoRoom, Disabled, NotAttached, NoPool).")
    public String state;

    public String profile;
    public Integer thresholdPercent;
    public Integer extendPercent;
    public Boolean monitored;
    public Long headroomBytes;
    public Long extensionStepBytes;
    public Boolean possible;
    public String reason;
    public Long extensionsObserved;
    public String lastExtensionTime;
  }

  public static class ExcludedDevice {
    public String device;
    public String reason;
  }
}

package io.thinpool.operator.testk8s;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Helm chart, rendered by Helm itself (helm-java bundles it): what the tests install is what
 * users install.
 */
public final class Chart {

  /** The chart's place in the repository. */
  public static final Path DIR_IN_REPO = Path.of("helm/thinpool-operator");

  /** Relative to operator/, where Maven runs the tests. */
  public static final Path DIR = Path.of("..").resolve(DIR_IN_REPO);

  public static final String NAMESPACE = "thinpool-system";
  public static final String RELEASE = "thinpool-operator";

  /**
   * The oldest Kubernetes the chart supports (its kubeVersion): ValidatingAdmissionPolicy, which
   * keeps one node's agent off another node's ThinPools, is GA from 1.30.
   */
  public static final String OLDEST_KUBERNETES = "v1.30.0";

  private Chart() {}

  /**
   * {@code helm install} of the chart in {@code directory} as {@link #RELEASE}, with its defaults.
   */
  public static Release install(Path directory, String kubeConfigYaml) {
    return new Helm(directory)
        .install()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .createNamespace()
        .withKubeConfigContents(kubeConfigYaml)
        .call();
  }

  /** {@code helm template} into {@link #NAMESPACE} with the given values over the defaults. */
  public static String render(Map<String, Object> values) {
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(OLDEST_KUBERNETES);
    values.forEach(template::set);
    return template.call();
  }

  /**
   * The plain manifests deploy/ ships, for {@code kubectl apply -f deploy/}: the release namespace,
   * the chart's CRDs (which {@code helm template} leaves out), then the chart rendered with its
   * defaults.
   */
  public static String plainManifests() {
    StringBuilder manifests =
        new StringBuilder(
            """
            # Generated from helm/thinpool-operator with its default values by
            # scripts/update-generated.sh: edit the chart, not this file.
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: %s
              labels:
                app.kubernetes.io/name: thinpool-operator
                # The agent is privileged (hostPID, nsenter): Pod Security must allow it here.
                pod-security.kubernetes.io/enforce: privileged
            """
                .formatted(NAMESPACE));
    try (Stream<Path> crds = Files.list(DIR.resolve("crds"))) {
      for (Path crd : crds.sorted().toList()) {
        manifests.append("---\n").append(Files.readString(crd));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return manifests.append(policiesBeforeWorkloads(render(Map.of()))).toString();
  }

  /**
   * The admission policies ahead of the DaemonSet and the Deployment: applied in file order, the
   * agents would otherwise run for a while with nothing to keep them off other nodes' ThinPools.
   */
  static String policiesBeforeWorkloads(String rendered) {
    List<String> documents = List.of(rendered.split("(?m)^---\\n"));
    List<String> ordered = new ArrayList<>();
    List<String> workloads = new ArrayList<>();
    for (String document : documents) {
      if (document.contains("\nkind: DaemonSet\n") || document.contains("\nkind: Deployment\n")) {
        workloads.add(document);
      } else if (!document.isBlank()) {
        ordered.add(document);
      }
    }
    ordered.addAll(workloads);
    return ordered.stream().map(d -> "---\n" + d).reduce("", String::concat);
  }

  /** The objects of rendered manifests, in their order. */
  public static List<HasMetadata> objects(KubernetesClient client, String manifests) {
    return new ArrayList<>(
        client.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items());
  }

  /** The rendered objects of one kind. */
  public static List<HasMetadata> ofKind(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
  }
}

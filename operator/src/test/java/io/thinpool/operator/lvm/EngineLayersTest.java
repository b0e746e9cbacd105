package io.thinpool.operator.lvm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages in the order a reconcile passes through them: the engine observes the host,
 * plans from what it saw, and runs the plan's commands. The planner is pure: it neither runs
 * commands nor reads files or the network, nor starts threads, so every plan is testable from a
 * made-up observation.
 */
class EngineLayersTest {

  private static final JavaClasses OPERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.thinpool.operator");

  @Test
  void whenTheEngineIsReadFromTheTopThenEachPhaseUsesOnlyThePhasesBelowIt() {
    // engine → plan → observe → host → spec: what a package may use is everything below it.
    List<String> order =
        List.of(
            "io.thinpool.operator.lvm",
            "io.thinpool.operator.lvm.plan..",
            "io.thinpool.operator.lvm.observe..",
            "io.thinpool.operator.lvm.host..",
            "io.thinpool.operator.lvm.spec..");
    for (int below = 1; below < order.size(); below++) {
      noClasses()
          .that()
          .resideInAnyPackage(order.subList(below, order.size()).toArray(String[]::new))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(order.subList(0, below).toArray(String[]::new))
          .because("a phase never reaches back up to the phase that called it")
          .check(OPERATOR);
    }
  }

  @Test
  void whenThePlannerPlansThenItDoesNoInputOrOutput() {
    noClasses()
        .that()
        .resideInAPackage("io.thinpool.operator.lvm.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio.file..", "java.nio.channels..", "java.net..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(
            ProcessBuilder.class,
            Process.class,
            Runtime.class,
            Thread.class,
            System.class,
            HostCommandRunner.class,
            CommandResult.class,
            HostCommandException.class,
            NodeLock.class)
        .because("the planner decides from an observation; only the engine touches the host")
        .check(OPERATOR);
  }
}

package io.thinpool.operator.lvm.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.host.DeviceMapperEvents.Wake;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeviceMapperEventsTest {

  private static final String INFO =
      "dmsetup info -c --noheadings -o events -- docker-thinpool-tpool";
  private static final String WAIT = "dmsetup wait -- docker-thinpool-tpool 3";

  @Test
  void whenTheTargetRaisesAnEventThenTheWaitFromItsCounterEndsWithAnEvent() {
    ScriptedRunner node = new ScriptedRunner().answer(INFO, "       3\n").answer(WAIT, "");

    Wake wake =
        new DeviceMapperEvents(node).awaitNext("docker-thinpool-tpool", Duration.ofMinutes(10));

    assertThat(wake).isEqualTo(Wake.EVENT);
    assertThat(node.calls.get(1).timeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void whenNothingHappensWithinTheLimitThenTheWaitSaysSo() {
    ScriptedRunner node = new ScriptedRunner().answer(INFO, "3\n").timeOut(WAIT);

    assertThat(
            new DeviceMapperEvents(node).awaitNext("docker-thinpool-tpool", Duration.ofSeconds(1)))
        .isEqualTo(Wake.LIMIT);
  }

  @Test
  void whenTheDeviceIsMissingOrGoesAwayThenThereIsNoDeviceToWaitOn() {
    ScriptedRunner missing =
        new ScriptedRunner().fail(INFO, 1, "Device docker-thinpool-tpool not found\n");
    ScriptedRunner removed =
        new ScriptedRunner().answer(INFO, "3\n").fail(WAIT, 1, "No such device or address\n");

    assertThat(
            new DeviceMapperEvents(missing)
                .awaitNext("docker-thinpool-tpool", Duration.ofSeconds(1)))
        .isEqualTo(Wake.NO_DEVICE);
    assertThat(missing.calls).hasSize(1);
    assertThat(
            new DeviceMapperEvents(removed)
                .awaitNext("docker-thinpool-tpool", Duration.ofSeconds(1)))
        .isEqualTo(Wake.NO_DEVICE);
  }
}

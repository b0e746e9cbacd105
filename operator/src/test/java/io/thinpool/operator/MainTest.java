package io.thinpool.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The entry point's two paths: a mode named alone starts without picocli, anything else parses. */
class MainTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new Main().execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theAgentNamedAloneWithoutItsNodeNameCannotStartAndSaysWhyInOneLine() {
    assertThat(System.getenv("NODE_NAME")).as("the test runs without NODE_NAME").isNull();

    Run agent = run("agent");

    assertThat(agent.exit()).isEqualTo(Main.CANNOT_START);
    assertThat(agent.err())
        .isEqualTo(
            "thinpool-operator agent cannot start: the agent needs NODE_NAME (the downward"
                + " API's spec.nodeName)"
                + System.lineSeparator());
  }

  @Test
  void aModeWithAnOptionIsParsedByPicocli() {
    Run help = run("agent", "--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("usage: thinpool-operator agent").contains("The node agent.");
  }

  @Test
  void aMistypedModeIsAUsageErrorNamingTheModes() {
    Run typo = run("agnet");

    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("agent");
  }
}

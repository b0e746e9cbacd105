package io.thinpool.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleTableTest {

  private static ScaleTable.Row row(int agents, double nodeSideRequests) {
    return new ScaleTable.Row(
        agents,
        1.5,
        2.25,
        3.125,
        400,
        5.5,
        600,
        7.75,
        800,
        new ScaleTable.Change(9.5, nodeSideRequests, 1100),
        new ScaleTable.Change(12.5, 1.0, 1400),
        15,
        16);
  }

  @Test
  void aRowReadsBackAsTheBenchmarkPrintedIt() {
    ScaleTable.Row row = row(1000, 14.48);

    assertThat(ScaleTable.Row.parse(row.line())).isEqualTo(row);
  }

  @Test
  void theTableListsEachNInOrderWithItsFigures() {
    String table = ScaleTable.render(List.of(row(10, 3.0), row(1000, 14.48)));

    assertThat(table.lines().filter(l -> l.matches("\\s+\\d+ \\|.*")).toList())
        .hasSize(4)
        .first()
        .asString()
        .contains("    10 |")
        .contains("3.13");
    assertThat(table).contains("14.48").contains("dmeventd s");
  }
}

package io.revisor.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG bar chart of every Revisor/raw ratio of a run, on a logarithmic axis from 0.01x to 100x with
 * parity (1x) marked, and the goals with their outcome underneath.
 */
final class SvgChart {
  private static final int WIDTH = 960;
  private static final int LABEL = 300;
  private static final int PLOT = WIDTH - LABEL - 80;
  private static final int BAR = 18;
  private static final int GAP = 8;
  private static final int TOP = 50;
  private static final double MIN = 0.01;
  private static final double MAX = 100;

  private SvgChart() {}

  static String render(List<Row> rows, List<Target> targets) {
    List<Row> bars = rows.stream().filter(r -> r.ratio() != null).toList();
    int plotHeight = Math.max(1, bars.size()) * (BAR + GAP);
    int height = TOP + plotHeight + 40 + targets.size() * 18 + 20;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    svg.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Revisor / raw etcd (jetcd), same etcd, "
        + "same run (log scale; right of 1x: Revisor does better)</text>\n");
    for (double tick = MIN; tick <= MAX * 1.0001; tick *= 10) {
      double x = x(tick);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
          x, TOP - 8, x, TOP + plotHeight, tick == 1 ? "black" : "#ddd"));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%sx</text>%n",
          x, TOP - 12, tick < 1 ? String.valueOf(tick) : String.valueOf((long) tick)));
    }
    int y = TOP;
    for (Row r : bars) {
      double ratio = Math.max(MIN, Math.min(MAX, r.ratio()));
      double from = x(1);
      double to = x(ratio);
      String color = Ids.MEMORY.equals(r.id().substring(0, r.id().lastIndexOf('.'))) ? "#888"
          : r.ratio() >= 1 ? "#2e7d32" : "#c62828";
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
          LABEL - 8, y + BAR - 5, escape(r.scenario())));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
          Math.min(from, to), y, Math.max(1, Math.abs(to - from)), BAR, color));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2fx</text>%n",
          Math.max(from, to) + 4, y + BAR - 5, r.ratio()));
      y += BAR + GAP;
    }
    y += 30;
    for (Target t : targets) {
      String color = switch (t.status()) {
        case PASS -> "#2e7d32";
        case MISS -> "#c62828";
        case NA, INFO -> "#888";
      };
      svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\"><tspan fill=\"%s\" font-weight=\"bold\">%s"
          + "</tspan> %s (%s)</text>%n", y, color, t.status(), escape(t.name()), escape(t.detail())));
      y += 18;
    }
    return svg.append("</svg>\n").toString();
  }

  private static double x(double ratio) {
    return LABEL + PLOT * (Math.log10(ratio) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN));
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

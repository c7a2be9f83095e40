package io.brokle.benchmarks.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small headless Java2D charts for the bench results: grouped bars (one group per category, one
 * bar per series) and lines (one per series over shared x labels). A value of {@code NaN} is
 * left out. Axis from zero, five gridlines, values printed on the bars.
 */
final class Chart {
    static final int WIDTH = 900;
    static final int HEIGHT = 480;
    private static final Color[] PALETTE = {new Color(0x8c8c8c), new Color(0x2ca02c), new Color(0x1f77b4),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0xd62728)};
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private Chart() {
    }

    static Color color(int series) {
        return PALETTE[series % PALETTE.length];
    }

    /** Grouped bars: {@code values[series][category]}. */
    static BufferedImage bars(String title, String subtitle, String unit, List<String> categories, List<String> series,
                              double[][] values) {
        BufferedImage img = canvas();
        Graphics2D g = graphics(img);
        double max = niceMax(maxOf(values));
        frame(g, title, subtitle, unit, max, series);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double groupW = plotW / (double) categories.size();
        double barW = Math.min(60, groupW * 0.8 / series.size());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int c = 0; c < categories.size(); c++) {
            double groupX = LEFT + c * groupW + (groupW - barW * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = values[s][c];
                if (Double.isNaN(v)) {
                    continue;
                }
                int h = (int) Math.round(Math.max(0, v) / max * plotH);
                int x = (int) Math.round(groupX + s * barW);
                g.setColor(color(s));
                g.fillRect(x, TOP + plotH - h, (int) Math.max(1, barW - 2), h);
                g.setColor(Color.DARK_GRAY);
                String label = format(v);
                FontMetrics fm = g.getFontMetrics();
                int lx = x + (int) (barW - 2 - fm.stringWidth(label)) / 2;
                g.drawString(label, lx, TOP + plotH - h - 3);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            String cat = categories.get(c);
            g.drawString(cat, (int) (LEFT + c * groupW + (groupW - fm.stringWidth(cat)) / 2), TOP + plotH + 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        g.dispose();
        return img;
    }

    /** Lines: {@code values[series][x]}. */
    static BufferedImage lines(String title, String subtitle, String unit, List<String> xLabels, List<String> series,
                               double[][] values) {
        BufferedImage img = canvas();
        Graphics2D g = graphics(img);
        double max = niceMax(maxOf(values));
        frame(g, title, subtitle, unit, max, series);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double step = xLabels.size() > 1 ? (plotW - 40) / (double) (xLabels.size() - 1) : 0;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < xLabels.size(); i++) {
            int x = (int) (LEFT + 20 + i * step);
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(xLabels.get(i), x - fm.stringWidth(xLabels.get(i)) / 2, TOP + plotH + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int s = 0; s < series.size(); s++) {
            g.setColor(color(s));
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < xLabels.size(); i++) {
                double v = values[s][i];
                if (Double.isNaN(v)) {
                    px = -1;
                    continue;
                }
                int x = (int) (LEFT + 20 + i * step);
                int y = TOP + plotH - (int) Math.round(Math.max(0, v) / max * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 4, y - 4, 8, 8);
                g.drawString(format(v), x + 5, y - 6 - 12 * s);
                px = x;
                py = y;
            }
        }
        g.dispose();
        return img;
    }

    static void write(BufferedImage img, File file) throws IOException {
        if (!ImageIO.write(img, "png", file)) {
            throw new IOException("no PNG writer");
        }
    }

    private static BufferedImage canvas() {
        return new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        return g;
    }

    private static void frame(Graphics2D g, String title, String subtitle, String unit, double max, List<String> series) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 24);
        if (subtitle != null) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(Color.DARK_GRAY);
            g.drawString(subtitle, LEFT, 42);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotH - plotH * i / 5;
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(max * i / 5);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(unit, -(TOP + plotH / 2) - rotated.getFontMetrics().stringWidth(unit) / 2, 16);
        rotated.dispose();
        int x = LEFT;
        int y = HEIGHT - 22;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < series.size(); s++) {
            g.setColor(color(s));
            g.fillRect(x, y - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), x + 16, y);
            x += 28 + g.getFontMetrics().stringWidth(series.get(s));
        }
    }

    private static double maxOf(double[][] values) {
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        return max;
    }

    /** The next 1, 2 or 5 times a power of ten at or above {@code v}, with headroom for labels. */
    static double niceMax(double v) {
        if (v <= 0) {
            return 1;
        }
        double target = v * 1.12;
        double p = Math.pow(10, Math.floor(Math.log10(target)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= target) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String format(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 10_000) {
            // One style per axis: 40k, 80k, 120k; a bar's value keeps a decimal (54.7k).
            double k = v / 1000;
            return String.format(Locale.ROOT, k == Math.rint(k) ? "%.0fk" : "%.1fk", k);
        }
        if (a >= 1000 || (a >= 10 && v == Math.rint(v))) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

package org.mgm.experiments.fewshot;

import java.util.Random;
import org.mgm.tensor.HostTensor;

/**
 * The demo's image domains, drawn procedurally at 32×32 so that the few-shot experiment runs
 * offline: a small analogue of LSUN horses (agent source), miniature horses (few-shot target) and
 * zebras (the mixer's other domain).
 *
 * <p>Every image is a four-legged "animal" (body ellipse, neck, head, legs) on a sky-over-grass
 * background. The domains differ in the animal's factors, the way the real ones do:
 * <ul>
 *   <li>SOURCE: large to mid-sized animals in the full range of brown-to-grey coats, anywhere;
 *   <li>TARGET: small, pale (cream to white) animals standing low in the frame, a region the
 *       source barely covers, like miniature horses in a horse model's distribution;
 *   <li>STRIPED: source animals of every size with black-and-white vertical stripes; rendered from
 *       the same factors as a SOURCE image when asked, which gives the mixer paired data.
 * </ul>
 * The factors are returned with each image, normalised to about [-1, 1], so a feature network
 * for FID can be trained to read them.
 */
public final class DemoDomains {
  public static final int SIZE = 32;
  /** Number of factors in {@link Animal#factors()}. */
  public static final int FACTORS = 9;

  public enum Domain {
    SOURCE,
    TARGET,
    STRIPED
  }

  /** What one image shows; positions and sizes in pixels, colours in [0, 1]. */
  public record Animal(double x, double y, double length, double height, double r, double g, double b,
      boolean facingRight, boolean striped, double stripePhase, double skyHue) {
    /** Size, position, coat colour, stripes and facing, scaled to about [-1, 1]. */
    public float[] factors() {
      return new float[] {
          (float) ((x - 16) / 8), (float) ((y - 16) / 8), (float) ((length - 8) / 4), (float) ((height - 5) / 2.5),
          (float) (2 * r - 1), (float) (2 * g - 1), (float) (2 * b - 1), striped ? 1f : -1f, facingRight ? 1f : -1f};
    }

    public Animal withStripes() {
      return new Animal(x, y, length, height, r, g, b, facingRight, true, stripePhase, skyHue);
    }
  }

  private DemoDomains() {}

  /** Draws the factors of one animal of {@code domain}. */
  public static Animal draw(Domain domain, Random rnd) {
    boolean right = rnd.nextBoolean();
    double skyHue = rnd.nextDouble();
    double phase = rnd.nextDouble() * 4;
    if (domain == Domain.TARGET) {
      double length = 4.5 + 1.5 * rnd.nextDouble();
      double height = length * (0.62 + 0.08 * rnd.nextDouble());
      double pale = 0.78 + 0.17 * rnd.nextDouble();
      return new Animal(11 + 10 * rnd.nextDouble(), 20 + 2.5 * rnd.nextDouble(), length, height, pale,
          pale * (0.92 + 0.06 * rnd.nextDouble()), pale * (0.78 + 0.12 * rnd.nextDouble()), right, false, phase, skyHue);
    }
    double length = 6 + 6 * rnd.nextDouble();
    double height = length * (0.5 + 0.15 * rnd.nextDouble());
    double value = 0.2 + 0.55 * rnd.nextDouble();
    double warmth = rnd.nextDouble();
    double r = value;
    double g = value * (0.65 + 0.3 * (1 - warmth));
    double b = value * (0.4 + 0.55 * (1 - warmth));
    Animal a = new Animal(9 + 14 * rnd.nextDouble(), 13 + 7 * rnd.nextDouble(), length, height, r, g, b, right,
        false, phase, skyHue);
    return domain == Domain.STRIPED ? a.withStripes() : a;
  }

  /**
   * An animal of the higher-level system's whole population: a TARGET one with probability
   * {@code targetShare}, else a SOURCE one. With a share of 0 no extra number is drawn, so the
   * stream is the one {@code draw(SOURCE, rnd)} makes.
   */
  public static Animal drawSystem(double targetShare, Random rnd) {
    if (targetShare <= 0) {
      return draw(Domain.SOURCE, rnd);
    }
    return draw(rnd.nextDouble() < targetShare ? Domain.TARGET : Domain.SOURCE, rnd);
  }

  /** n striped animals of the system's population ({@link #drawSystem}), NCHW in [-1, 1]. */
  public static HostTensor sampleStripedSystem(int n, long seed, double targetShare) {
    Random rnd = new Random(seed);
    float[] all = new float[n * 3 * SIZE * SIZE];
    for (int i = 0; i < n; i++) {
      System.arraycopy(render(drawSystem(targetShare, rnd).withStripes(), rnd), 0, all, i * 3 * SIZE * SIZE,
          3 * SIZE * SIZE);
    }
    return HostTensor.of(all, n, 3, SIZE, SIZE);
  }

  /** The image of {@code a}, CHW in [-1, 1], with pixel noise from {@code rnd}. */
  public static float[] render(Animal a, Random rnd) {
    float[] img = new float[3 * SIZE * SIZE];
    double horizon = 13 + 4 * a.skyHue();
    for (int py = 0; py < SIZE; py++) {
      for (int px = 0; px < SIZE; px++) {
        double[] c = py < horizon
            ? new double[] {0.45 + 0.2 * a.skyHue(), 0.65 + 0.1 * a.skyHue(), 0.9}
            : new double[] {0.25 + 0.1 * a.skyHue(), 0.55 - 0.1 * (py - horizon) / SIZE, 0.2};
        double cover = coverage(a, px + 0.5, py + 0.5);
        if (cover > 0) {
          double[] coat = coat(a, px + 0.5);
          for (int k = 0; k < 3; k++) {
            c[k] = (1 - cover) * c[k] + cover * coat[k];
          }
        }
        for (int k = 0; k < 3; k++) {
          double v = c[k] + 0.02 * rnd.nextGaussian();
          img[(k * SIZE + py) * SIZE + px] = (float) (2 * Math.max(0, Math.min(1, v)) - 1);
        }
      }
    }
    return img;
  }

  /** n images of a domain as an NCHW tensor; {@code factors} receives n × FACTORS values if not null. */
  public static HostTensor sample(Domain domain, int n, long seed, float[] factors) {
    Random rnd = new Random(seed);
    float[] all = new float[n * 3 * SIZE * SIZE];
    for (int i = 0; i < n; i++) {
      Animal a = draw(domain, rnd);
      System.arraycopy(render(a, rnd), 0, all, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
      if (factors != null) {
        System.arraycopy(a.factors(), 0, factors, i * FACTORS, FACTORS);
      }
    }
    return HostTensor.of(all, n, 3, SIZE, SIZE);
  }

  private static double[] coat(Animal a, double px) {
    if (a.striped()) {
      double period = Math.max(2.2, a.length() / 3.2);
      boolean dark = ((px - a.x() + a.stripePhase()) / period % 2 + 2) % 2 < 1;
      double v = dark ? 0.08 : 0.95;
      return new double[] {v, v, v};
    }
    return new double[] {a.r(), a.g(), a.b()};
  }

  /** Anti-aliased coverage in [0, 1] of the pixel centred at (px, py) by the animal's shape. */
  private static double coverage(Animal a, double px, double py) {
    double dir = a.facingRight() ? 1 : -1;
    double halfL = a.length() / 2;
    double halfH = a.height() / 2;
    // body
    double d = Math.hypot((px - a.x()) / halfL, (py - a.y()) / halfH) - 1;
    double inside = -d * Math.min(halfL, halfH);
    // head: a smaller ellipse up and forward, joined by a neck
    double hx = a.x() + dir * (halfL + 0.2 * a.length());
    double hy = a.y() - 0.9 * a.height();
    double hr = Math.max(1.2, 0.22 * a.length());
    inside = Math.max(inside, (1 - Math.hypot((px - hx) / (1.3 * hr), (py - hy) / hr)) * hr);
    inside = Math.max(inside, segment(px, py, a.x() + dir * 0.6 * halfL, a.y() - 0.3 * halfH, hx, hy,
        Math.max(0.9, 0.12 * a.length())));
    // four legs from the body's underside to the ground
    double legW = Math.max(0.6, 0.07 * a.length());
    double ground = a.y() + halfH + 0.75 * a.height();
    for (double f : new double[] {-0.7, -0.45, 0.45, 0.7}) {
      double lx = a.x() + f * halfL;
      inside = Math.max(inside, segment(px, py, lx, a.y() + 0.5 * halfH, lx, ground, legW));
    }
    return Math.max(0, Math.min(1, inside + 0.5));
  }

  /** Signed distance-style depth of (px, py) inside a capsule of half-width w around a segment. */
  private static double segment(double px, double py, double x0, double y0, double x1, double y1, double w) {
    double vx = x1 - x0;
    double vy = y1 - y0;
    double t = Math.max(0, Math.min(1, ((px - x0) * vx + (py - y0) * vy) / (vx * vx + vy * vy)));
    return w - Math.hypot(px - x0 - t * vx, py - y0 - t * vy);
  }
}

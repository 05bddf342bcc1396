package org.mgm.adapt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The output resolution of a StyleGAN2 generator tensor, by its rosinality state-dict name. */
public final class StyleGan2Layers {
  private static final Pattern CONVS = Pattern.compile("(?:.*\\.)?convs\\.(\\d+)\\..*");
  private static final Pattern TO_RGBS = Pattern.compile("(?:.*\\.)?to_rgbs\\.(\\d+)\\..*");
  private static final Pattern FIRST = Pattern.compile("(?:.*\\.)?(input|conv1|to_rgb1)\\..*");

  private StyleGan2Layers() {}

  /**
   * 4 for the constant input and first block, 2^(3 + i/2) for {@code convs.i} (two per
   * resolution), 2^(3 + i) for {@code to_rgbs.i}; 0 for the mapping network and anything else,
   * which has no resolution.
   */
  public static int resolution(String name) {
    Matcher m = CONVS.matcher(name);
    if (m.matches()) {
      return 1 << (3 + Integer.parseInt(m.group(1)) / 2);
    }
    m = TO_RGBS.matcher(name);
    if (m.matches()) {
      return 1 << (3 + Integer.parseInt(m.group(1)));
    }
    return FIRST.matcher(name).matches() ? 4 : 0;
  }

  /**
   * The reference's {@code --fg k}: for k ≥ 1 the Lf update leaves out the layers at resolution
   * 2^(k+1) and above (k = 5 keeps 64×64, 128×128 and 256×256 out); k = 0 leaves nothing out.
   */
  public static boolean updatedByFeedback(String name, int fg) {
    return fg < 1 || resolution(name) < (1 << (fg + 1));
  }
}

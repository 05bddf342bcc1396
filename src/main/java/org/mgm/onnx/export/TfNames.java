package org.mgm.onnx.export;

/**
 * TF's names for graph values: a NodeDef input is "node", "node:1" or "^node" (a control
 * dependency); a tensor name is always written here as "node:index".
 */
public final class TfNames {
  private TfNames() {}

  public static boolean isControl(String input) {
    return input.startsWith("^");
  }

  public static String node(String input) {
    String n = isControl(input) ? input.substring(1) : input;
    int colon = n.indexOf(':');
    return colon < 0 ? n : n.substring(0, colon);
  }

  public static int index(String input) {
    int colon = input.indexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
  }

  /** "node" and "node:0" are the same tensor; this gives the second form. */
  public static String tensor(String input) {
    return node(input) + ":" + index(input);
  }
}

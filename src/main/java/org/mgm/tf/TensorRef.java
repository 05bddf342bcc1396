package org.mgm.tf;

/**
 * A tensor of a GraphDef named as TensorFlow names it: {@code node:index}, where a bare node name
 * means output 0 and {@code ^node} is a control input (no tensor at all).
 */
public record TensorRef(String node, int index) {
  public static TensorRef parse(String name) {
    String n = name.startsWith("^") ? name.substring(1) : name;
    int colon = n.lastIndexOf(':');
    if (colon > 0) {
      try {
        return new TensorRef(n.substring(0, colon), Integer.parseInt(n.substring(colon + 1)));
      } catch (NumberFormatException e) {
        // a node name with a colon but no index: not something TF writes; keep it whole
      }
    }
    return new TensorRef(n, 0);
  }

  public static boolean isControl(String input) {
    return input.startsWith("^");
  }

  @Override
  public String toString() {
    return node + ":" + index;
  }
}

package dev.inventory.examples.bench;

/** What one measured operation is. */
enum Op {
  /** Reserve only: holds pile up (stock is large enough that no request is ever short). */
  RESERVE("reserve"),
  /**
   * Reserve, then confirm or release it (half and half, by the request sequence): one checkout. Its
   * latency and throughput count the pair as one operation.
   */
  CYCLE("cycle");

  final String label;

  Op(String label) {
    this.label = label;
  }

  static Op parse(String text) {
    for (Op op : values()) {
      if (op.label.equals(text)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown op '" + text + "': expected reserve or cycle");
  }

  @Override
  public String toString() {
    return label;
  }
}

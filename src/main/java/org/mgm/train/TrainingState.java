package org.mgm.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;
import org.mgm.tf.TfTypes;

/**
 * Everything a training writes as it runs, saved as one TensorFlow checkpoint (SaveV2 /
 * RestoreV2, the format {@code tf.train.load_checkpoint} reads): every resource variable that an
 * op other than its initializer writes — the parameters of every list, Adam's slots and step
 * counters, EMA averages. Variables nothing writes (a frozen imported mixer) are left out: they
 * come back from the model file on resume and would only make each checkpoint larger.
 *
 * <p>The save and restore ops are built once, after the whole training graph exists, and take
 * the checkpoint prefix as a fed string, so one pair serves every checkpoint of the run.
 */
public final class TrainingState {
  /** Op types that write a resource variable. */
  private static final Set<String> WRITERS = Set.of("AssignVariableOp", "AssignAddVariableOp",
      "AssignSubVariableOp", "ResourceScatterUpdate", "ResourceScatterAdd", "ResourceScatterSub");

  private final List<String> names = new ArrayList<>();
  private final Operand<TString> prefix;
  private final Op save;
  private final Op restore;

  public TrainingState(Graph graph) {
    List<GraphOperation> handles = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VarHandleOp") && written(graph, op)) {
        handles.add(op);
      }
    }
    Ops base = Ops.create(graph);
    prefix = base.withName("training_state_prefix").placeholder(TString.class);
    List<Operand<?>> values = new ArrayList<>();
    List<Class<? extends org.tensorflow.types.family.TType>> types = new ArrayList<>();
    for (GraphOperation h : handles) {
      DataType dtype = h.attributes().getAttrType("dtype");
      Class<? extends org.tensorflow.types.family.TType> type = TfTypes.javaType(dtype,
          "variable '" + h.name() + "'");
      names.add(h.name());
      types.add(type);
      values.add(base.readVariableOp(h.output(0), type));
    }
    if (handles.isEmpty()) {
      save = base.noOp();
      restore = base.noOp();
      return;
    }
    String[] keys = names.toArray(new String[0]);
    String[] whole = new String[keys.length];
    java.util.Arrays.fill(whole, "");
    Operand<TString> keyTensor = base.constant(StdArrays.ndCopyOf(keys));
    Operand<TString> slices = base.constant(StdArrays.ndCopyOf(whole));
    save = base.withName("training_state_save").train.save(prefix, keyTensor, slices, values);
    var restored = base.withName("training_state_restore").train.restore(prefix, keyTensor, slices, types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < handles.size(); i++) {
      assigns.add(base.assignVariableOp(handles.get(i).output(0), restored.tensors().get(i)));
    }
    restore = base.withControlDependencies(assigns).noOp();
  }

  private static boolean written(Graph graph, GraphOperation handle) {
    for (GraphOperation c : handle.consumers(0)) {
      boolean writes = WRITERS.contains(c.type()) || c.type().startsWith("ResourceApply")
          || c.type().startsWith("ResourceSparseApply");
      // Initial values and loaded frozen weights are not training state.
      if (writes && !graph.isInitializer(c) && !org.mgm.model.FrozenWeights.isLoad(c)) {
        return true;
      }
    }
    return false;
  }

  /** The checkpoint keys: the variables' op names, in graph order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /** Writes {@code <prefix>.index} and {@code <prefix>.data-00000-of-00001}. */
  public void save(Session session, String checkpointPrefix) {
    try (TString p = TString.scalarOf(checkpointPrefix)) {
      session.runner().feed(prefix, p).addTarget(save).run();
    }
  }

  public void restore(Session session, String checkpointPrefix) {
    try (TString p = TString.scalarOf(checkpointPrefix)) {
      session.runner().feed(prefix, p).addTarget(restore).run();
    }
  }
}

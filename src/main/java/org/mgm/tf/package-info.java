/**
 * TensorFlow models in: SavedModels (including what only the object graph restores), TF1
 * MetaGraphs with checkpoints and frozen GraphDefs, each checked against an allowlist of pure
 * computation before anything runs, and imported into a training graph.
 */
package org.mgm.tf;

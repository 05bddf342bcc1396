/**
 * MGM's feedback: a pretrained mixer attached frozen to a training graph ({@link
 * org.mgm.feedback.FrozenMixer}, from ONNX or any TF format, bound by {@link
 * org.mgm.feedback.MixerSignature} names), the agent-update rule a&middot;La +
 * (1&minus;a)&middot;Lf or alternating ({@link org.mgm.feedback.FeedbackUpdate}), and Algorithm 1
 * for one new MLP agent ({@link org.mgm.feedback.AgentTraining}).
 */
package org.mgm.feedback;

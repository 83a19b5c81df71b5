package org.hptstream.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.hptstream.model.ResNetConfig;

/**
 * The backbone an HPT-family job starts from: architecture and tensors by torchvision name (running
 * stats included), e.g. read from a parent checkpoint or a torchvision export.
 *
 * @param source where it came from, for the manifest and messages
 */
public record ParentModel(ResNetConfig arch, Map<String, NDArray> backbone, String source) {}

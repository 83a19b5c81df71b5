package org.hptstream.pretrain;

import ai.djl.ndarray.NDList;
import org.hptstream.model.ResNetConfig;

/**
 * The backbone an HPT-family job starts from: architecture and named tensors (torchvision names,
 * running stats included), e.g. read from a parent checkpoint.
 *
 * @param id the parent checkpoint's id (recorded as the child's parent)
 * @param loadReport what the load verified, for logs
 */
public record ParentModel(ResNetConfig arch, NDList backbone, String id, String loadReport) {}

package org.hptstream.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads an {@link ImageSet} from local files: an IDX image file (with an optional IDX label file),
 * or a folder of PNG/JPEG images (recursive). In a folder whose images all sit in subfolders,
 * {@code labelsFromFolders} turns the sorted subfolder names into class indices.
 */
public final class ImageSets {
  private ImageSets() {}

  /** How to load a folder of images. */
  public record FolderOptions(Integer size, boolean labelsFromFolders) {
    /** Keep the images' own size (they must all agree); no labels. */
    public static final FolderOptions DEFAULT = new FolderOptions(null, false);
  }

  /** Loads {@code path} with {@link FolderOptions#DEFAULT}. */
  public static ImageSet load(Path path, Path labels) throws IOException {
    return load(path, labels, FolderOptions.DEFAULT);
  }

  /**
   * Loads {@code path}: an IDX file, or a folder.
   *
   * @param labels an IDX label file for an IDX image file; must be null for a folder
   */
  public static ImageSet load(Path path, Path labels, FolderOptions options) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException(path + ": no such file or directory");
    }
    if (Files.isDirectory(path)) {
      if (labels != null) {
        throw new IllegalArgumentException(
            "a label file goes with an IDX image file, not with folder " + path);
      }
      return loadFolder(path, options);
    }
    if (!Idx.looksLikeIdx(path)) {
      throw new InvalidImageDataException(
          path.toString(), "neither an IDX image file nor a folder of images");
    }
    return Idx.read(path, labels);
  }

  private static ImageSet loadFolder(Path root, FolderOptions options) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : ImageFiles.walk(root)) {
      if (ImageFiles.hasImageExtension(p)) {
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new InvalidImageDataException(root.toString(), "contains no .png/.jpg/.jpeg files");
    }
    Map<String, Integer> classes = new TreeMap<>();
    if (options.labelsFromFolders()) {
      for (Path f : files) {
        Path rel = root.relativize(f);
        if (rel.getNameCount() < 2) {
          throw new InvalidImageDataException(
              f.toString(), "labels come from subfolders, but this file is at the top level");
        }
        classes.put(rel.getName(0).toString(), 0);
      }
      int i = 0;
      for (var e : classes.entrySet()) {
        e.setValue(i++);
      }
    }
    List<DecodedImage> images = new ArrayList<>(files.size());
    List<String> sources = new ArrayList<>(files.size());
    int[] labels = options.labelsFromFolders() ? new int[files.size()] : null;
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      images.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString()));
      sources.add(f.toString());
      if (labels != null) {
        labels[i] = classes.get(root.relativize(f).getName(0).toString());
      }
    }
    return assemble(images, sources, labels, options.size());
  }

  /**
   * Stacks decoded images into one set: RGB if any image is RGB (grey ones repeated), all resized
   * to {@code size x size} when given, else all must share the first image's size.
   *
   * @param sources names for error messages, parallel to {@code images}
   * @param labels parallel labels, or null
   */
  public static ImageSet assemble(
      List<DecodedImage> images, List<String> sources, int[] labels, Integer size)
      throws InvalidImageDataException {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to assemble");
    }
    boolean rgb = images.stream().anyMatch(img -> img.channels() == 3);
    int h = size != null ? size : images.get(0).height();
    int w = size != null ? size : images.get(0).width();
    int c = rgb ? 3 : 1;
    int n = c * h * w;
    byte[] pixels = new byte[images.size() * n];
    for (int i = 0; i < images.size(); i++) {
      DecodedImage img = images.get(i);
      if (size == null && (img.height() != h || img.width() != w)) {
        throw new InvalidImageDataException(
            sources.get(i),
            "is "
                + img.width()
                + "x"
                + img.height()
                + " but the first image is "
                + w
                + "x"
                + h
                + ": give a size to resize all images to");
      }
      img = ImageDecoder.resize(img, h, w);
      if (rgb) {
        img = ImageDecoder.toRgb(img);
      }
      System.arraycopy(img.pixels(), 0, pixels, i * n, n);
    }
    return ImageSet.of(pixels, images.size(), c, h, w, labels);
  }
}

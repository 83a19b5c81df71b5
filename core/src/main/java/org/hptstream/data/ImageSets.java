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
        throw new IllegalArgumentException("a label file goes with an IDX image file, not with folder " + path);
      }
      return loadFolder(path, options);
    }
    if (!Idx.looksLikeIdx(path)) {
      throw new InvalidImageDataException(path.toString(), "neither an IDX image file nor a folder of images");
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
          throw new InvalidImageDataException(f.toString(), "labels come from subfolders, but this file is at the top level");
        }
        classes.put(rel.getName(0).toString(), 0);
      }
      int i = 0;
      for (var e : classes.entrySet()) {
        e.setValue(i++);
      }
    }
    List<DecodedImage> images = new ArrayList<>(files.size());
    boolean rgb = false;
    for (Path f : files) {
      DecodedImage img = ImageDecoder.decode(Files.readAllBytes(f), f.toString());
      rgb |= img.channels() == 3;
      images.add(img);
    }
    int h = options.size() != null ? options.size() : images.get(0).height();
    int w = options.size() != null ? options.size() : images.get(0).width();
    int c = rgb ? 3 : 1;
    int n = c * h * w;
    byte[] pixels = new byte[images.size() * n];
    int[] labels = options.labelsFromFolders() ? new int[images.size()] : null;
    for (int i = 0; i < images.size(); i++) {
      DecodedImage img = images.get(i);
      if (options.size() == null && (img.height() != h || img.width() != w)) {
        throw new InvalidImageDataException(
            files.get(i).toString(),
            "is " + img.width() + "x" + img.height() + " but the first image is " + w + "x" + h
                + ": give a size to resize all images to");
      }
      img = ImageDecoder.resize(img, h, w);
      if (rgb) {
        img = ImageDecoder.toRgb(img);
      }
      System.arraycopy(img.pixels(), 0, pixels, i * n, n);
      if (labels != null) {
        labels[i] = classes.get(root.relativize(files.get(i)).getName(0).toString());
      }
    }
    return ImageSet.of(pixels, images.size(), c, h, w, labels);
  }
}

/** {@code hpt demo}: the end-to-end main job on the local stack with real data. */
package org.hptstream.demo;

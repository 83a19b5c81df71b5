package org.hptstream.leaderboard;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A read-only store over entries gathered from every instance that hosts a part of a state store,
 * so {@link LeaderboardView} answers the same whether the state is local or split between
 * instances.
 */
final class GatheredStore<V> implements ReadOnlyKeyValueStore<String, V> {
  private final NavigableMap<String, V> entries;

  GatheredStore(Map<String, V> entries) {
    this.entries = new TreeMap<>(entries);
  }

  @Override
  public V get(String key) {
    return entries.get(key);
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    NavigableMap<String, V> m = entries;
    if (from != null) {
      m = m.tailMap(from, true);
    }
    if (to != null) {
      m = m.headMap(to, true);
    }
    return iterator(m);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    return iterator(entries);
  }

  @Override
  public long approximateNumEntries() {
    return entries.size();
  }

  private static <V> KeyValueIterator<String, V> iterator(NavigableMap<String, V> m) {
    Iterator<Map.Entry<String, V>> it = m.entrySet().iterator();
    return new KeyValueIterator<>() {
      private Map.Entry<String, V> next = it.hasNext() ? it.next() : null;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public KeyValue<String, V> next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        KeyValue<String, V> kv = KeyValue.pair(next.getKey(), next.getValue());
        next = it.hasNext() ? it.next() : null;
        return kv;
      }

      @Override
      public String peekNextKey() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        return next.getKey();
      }

      @Override
      public void close() {}
    };
  }
}

package org.hptstream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects the JVM-wide {@link TestStack#shared()} fixture into any test,
 * lifecycle method or constructor parameter of type {@link KafkaStackFixture}, and stops it when
 * the whole test run (all classes) is over:
 *
 * <pre>{@code
 * @ExtendWith(TestStackExtension.class)
 * class IngestTest {
 *   @Test void roundTrip(KafkaStackFixture stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class TestStackExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestStackExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaStackFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KafkaStackFixture stack = TestStack.shared();
    // The root store closes its AutoCloseable values once every test of the run has finished.
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("stack", key -> new StopAtEnd(), StopAtEnd.class);
    return stack;
  }

  private static final class StopAtEnd implements AutoCloseable {
    @Override
    public void close() {
      TestStack.closeShared();
    }
  }
}

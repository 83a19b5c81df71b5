package org.hptstream.registry.configindex;

import apicurio.common.app.components.config.index.DynamicPropertiesInfoRecorder;
import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.deployment.BeanDiscoveryFinishedBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.processor.InjectionPointInfo;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Type;

/**
 * Build step of the config-index Quarkus extension: the registry injects some settings as
 * {@code @ConfigProperty @Dynamic Supplier<T>} (changeable at run time through its admin API) and
 * expects a {@link DynamicConfigPropertyList} bean that lists them. We find those injection points
 * at build time and record the list for runtime init.
 */
class ConfigIndexProcessor {

  private static final DotName CONFIG_PROPERTY = DotName.createSimple(ConfigProperty.class.getName());
  private static final DotName DYNAMIC = DotName.createSimple(Dynamic.class.getName());

  @BuildStep
  @Record(ExecutionTime.RUNTIME_INIT)
  void dynamicPropertyList(
      DynamicPropertiesInfoRecorder recorder,
      BeanDiscoveryFinishedBuildItem beans,
      BuildProducer<SyntheticBeanBuildItem> synthetic) {
    List<DynamicConfigPropertyDef> defs = new ArrayList<>();
    for (InjectionPointInfo point : beans.getInjectionPoints()) {
      AnnotationInstance config = point.getRequiredQualifier(CONFIG_PROPERTY);
      if (config == null || !point.isField()) {
        continue;
      }
      AnnotationInstance dynamic = point.getTarget().asField().annotation(DYNAMIC);
      if (dynamic != null) {
        defs.add(definition(point, config, dynamic));
      }
    }
    synthetic.produce(
        SyntheticBeanBuildItem.configure(DynamicConfigPropertyList.class)
            .runtimeValue(recorder.initializePropertiesInfo(defs))
            .unremovable()
            .setRuntimeInit()
            .done());
  }

  private static DynamicConfigPropertyDef definition(
      InjectionPointInfo point, AnnotationInstance config, AnnotationInstance dynamic) {
    String name = config.value("name").asString();
    Type required = point.getRequiredType();
    if (required.kind() != Type.Kind.PARAMETERIZED_TYPE) {
      throw new IllegalStateException("@Dynamic property '" + name + "' must be injected as Supplier<T>");
    }
    AnnotationValue defaultValue = config.value("defaultValue");
    if (defaultValue == null) {
      throw new IllegalStateException("@Dynamic property '" + name + "' needs a default value");
    }
    String typeName = required.asParameterizedType().arguments().get(0).name().toString();
    Class<?> type;
    try {
      type = Class.forName(typeName, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("@Dynamic property '" + name + "': unknown type " + typeName, e);
    }
    DynamicConfigPropertyDef def = new DynamicConfigPropertyDef(name, type, defaultValue.asString());
    AnnotationValue label = dynamic.value("label");
    AnnotationValue description = dynamic.value("description");
    AnnotationValue requires = dynamic.value("requires");
    if (label != null) {
      def.setLabel(label.asString());
    }
    if (description != null) {
      def.setDescription(description.asString());
    }
    if (requires != null) {
      def.setRequires(requires.asStringArray());
    }
    return def;
  }
}

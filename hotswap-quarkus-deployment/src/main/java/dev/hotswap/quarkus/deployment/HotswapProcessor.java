package dev.hotswap.quarkus.deployment;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.quarkus.EngineProducer;
import dev.hotswap.quarkus.HotswapMeters;
import dev.hotswap.quarkus.HotswapReadinessCheck;
import dev.hotswap.quarkus.HotswapRecorder;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;
import io.quarkus.vertx.http.deployment.FilterBuildItem;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.ClassType;
import org.jboss.jandex.DotName;

/** The extension's build steps. */
class HotswapProcessor {
    static final String FEATURE = "hotswap";
    /**
     * Above Quarkus's own filters (CORS runs at 300, authentication and authorization below it):
     * whatever runs for a request runs with its pin.
     */
    static final int GATE_PRIORITY = 400;

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    void beans(Capabilities capabilities, Optional<MetricsCapabilityBuildItem> metrics,
            BuildProducer<AdditionalBeanBuildItem> beans) {
        beans.produce(AdditionalBeanBuildItem.unremovableOf(EngineProducer.class));
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(HotswapReadinessCheck.class));
        }
        // How Quarkus's own extensions ask for Micrometer (the metrics capability is deprecated).
        if (metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(HotswapMeters.class));
        }
    }

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    FilterBuildItem gate(HotswapRecorder recorder) {
        return new FilterBuildItem(recorder.gate(), GATE_PRIORITY);
    }

    /**
     * A {@code DataSource} bean per configured database, {@code @Named} after it; the only one is the
     * unnamed default too. Bean names must be known at build time, so they are read from the
     * configuration the build sees (application.properties, system properties).
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void dataSources(HotswapRecorder recorder, BuildProducer<SyntheticBeanBuildItem> beans) {
        List<String> names = DatabaseNames.of(ConfigProvider.getConfig().getPropertyNames());
        for (String name : names) {
            SyntheticBeanBuildItem.ExtendedBeanConfigurator bean = SyntheticBeanBuildItem.configure(DataSource.class)
                    .scope(Singleton.class)
                    .named(name)
                    .addInjectionPoint(ClassType.create(DotName.createSimple(Hotswap.class)))
                    .createWith(recorder.dataSource(name))
                    .unremovable()
                    .setRuntimeInit();
            if (names.size() == 1) {
                bean.addQualifier(Default.class);
            }
            beans.produce(bean.done());
        }
    }
}

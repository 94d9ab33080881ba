# The Revisor API server image. Build the server first (mvn package, which writes apiserver/target/revisor-apiserver.jar
# and its runtime classpath apiserver/target/lib/), then:
#   mvn -B -DskipTests package -pl apiserver -am
#   docker build -t <registry>/revisor:0.1.0 .
# The install manifests (manifests/) run it with a read-only root file system; it writes only to /tmp.
FROM eclipse-temurin:17-jre

# The jar's manifest puts lib/*.jar on the classpath, relative to the jar. Libraries first: they change less often.
COPY apiserver/target/lib/ /opt/revisor/lib/
COPY apiserver/target/revisor-apiserver.jar /opt/revisor/revisor-apiserver.jar

# Relative defaults (--cert-dir, --data-dir) land in the writable /tmp.
WORKDIR /tmp
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["java", "-jar", "/opt/revisor/revisor-apiserver.jar"]

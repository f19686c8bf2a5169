# tcplab in a container: the lab network lives in the container's own namespaces.
#   docker build -t tcplab .
#   docker run --rm --privileged tcplab lab handshake
#   docker run --rm --privileged -v "$PWD/runs:/work/runs" tcplab lab all --format quiet   # keep the captures
# --privileged: tcplab builds network namespaces and veth pairs, and sends raw frames.

FROM debian:bookworm-slim AS build
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml .
# Dependencies in a layer of their own, so that editing the sources does not download them again.
RUN mvn -B -q -ntp dependency:go-offline || true
COPY src ./src
RUN mvn -B -q -ntp -DskipTests package

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless libpcap0.8 iproute2 iptables \
      ethtool procps tcpdump >/dev/null \
 && rm -rf /var/lib/apt/lists/*
# A UTF-8 locale for the JVM's file names and for tcpdump or ss run inside (tcplab's own output is
# UTF-8 whatever the locale).
ENV LANG=C.UTF-8
COPY --from=build /src/target/tcplab.jar /opt/tcplab/tcplab.jar
COPY captures /opt/tcplab/captures
WORKDIR /work
ENTRYPOINT ["java", "-jar", "/opt/tcplab/tcplab.jar"]
CMD ["lab", "list"]

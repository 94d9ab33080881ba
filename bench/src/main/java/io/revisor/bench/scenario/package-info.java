/** The scenarios: creates, updates, reads, watch fan-out, memory, and the JMH runner. */
package io.revisor.bench.scenario;

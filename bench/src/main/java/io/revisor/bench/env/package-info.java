/** The processes a run starts and stops by PID: one etcd member and the Revisor server JVM. */
package io.revisor.bench.env;

/**
 * Test kit shared by the storage tests and the apiserver's tests: starts real etcd processes from the {@code etcd}
 * binary on free loopback ports with temporary data directories ({@link io.revisor.storage.testing.EtcdCluster}),
 * and a JUnit 5 extension that owns one for a test class ({@link io.revisor.storage.testing.EtcdExtension}).
 *
 * <p>A missing binary fails the test with a message saying how to install it; tests never skip for want of etcd.
 */
package io.revisor.storage.testing;

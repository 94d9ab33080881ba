/**
 * The two sides of each comparison: Revisor's API over HTTP/2 (Vert.x for requests, Netty's HTTP/2 codec for
 * streaming watches) and raw etcd (jetcd); the 1 KiB objects both store; cheap readers of list and watch bodies.
 */
package io.revisor.bench.client;

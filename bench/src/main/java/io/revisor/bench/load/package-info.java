/** Load generation (closed loops of asynchronous operations) and latency statistics (HdrHistogram). */
package io.revisor.bench.load;

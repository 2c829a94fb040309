// Package sdktest tests vlmask plugins without building them: it serves an
// implementation in-process over real gRPC and hands back a client
// (DispenseMasking, DispenseMetric, ServeInProcess), runs conformance suites
// every strategy and metric should pass (RunMaskingConformance,
// RunMetricConformance), loads sequences (LoadSequence, SampleSequences),
// and compares results with golden files (Golden, rewritten with VLMASK_UPDATE_GOLDEN=1).
//
// Calls go from the test to the implementation, through the same plugin
// protocol the host uses (sdk/hostrpc on one side, sdk.ServeMasking or
// sdk.ServeMetric on the other), with the production message limits.
package sdktest

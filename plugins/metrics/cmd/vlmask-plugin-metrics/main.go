// Command vlmask-plugin-metrics serves the l2/cosine distance metric as a standalone vlmask plugin.
package main

import (
	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
)

func main() { sdk.ServeMetric(metrics.New()) }

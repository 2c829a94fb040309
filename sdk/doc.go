// Package sdk is the only package a vlmask plugin author imports. It
// defines what masking strategies and metrics are (the MaskingStrategy and
// Metric interfaces and their hand-written request and response types), the
// embeddable defaults MaskingBase and MetricBase, the checks every output
// must pass (ValidateMask, ValidateScore), and ServeMasking/ServeMetric,
// which turn an implementation into a plugin process.
//
// Calls go from the host to the plugin: vlmask starts the plugin binary,
// asks Describe, then Configure once, then Mask (strategies) or Score
// (metrics, one call per analysed step and decoder layer). The plugin never
// calls the host; its logs (Logger) travel on stderr and the host re-emits
// them under the plugin's name. The wire protocol (gRPC over go-plugin) is
// hidden: authors see only the Go types here. The analysis engine in core
// uses the same interfaces, so it cannot tell an in-process implementation
// from a plugin process.
//
// A minimal plugin:
//
//	type everyText struct{ sdk.MaskingBase }
//
//	func (everyText) Describe(context.Context) (sdk.Description, error) {
//		return sdk.Description{Name: "every-text", Version: "0.1.0", Kind: sdk.KindMasking}, nil
//	}
//
//	func (everyText) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
//		var resp sdk.MaskResponse
//		for _, t := range req.Sequence.Tokens {
//			if t.Modality == sdk.Text {
//				resp.Groups = append(resp.Groups, sdk.Group{Label: t.Text, Positions: []int{t.Position}})
//			}
//		}
//		return resp, nil
//	}
//
//	func main() { sdk.ServeMasking(everyText{}) }
//
// Package sdk/sdktest tests a plugin without building it; sdk/hostrpc is the
// host's side of the protocol. See README.md in this directory.
package sdk

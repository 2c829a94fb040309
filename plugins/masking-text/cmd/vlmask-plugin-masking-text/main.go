// Command vlmask-plugin-masking-text serves the masking-text strategy as a standalone vlmask plugin.
package main

import (
	maskingtext "github.com/vlmask/vlmask/plugins/masking-text"
	"github.com/vlmask/vlmask/sdk"
)

func main() { sdk.ServeMasking(maskingtext.New()) }

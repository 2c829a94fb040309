// Command vlmask-plugin-masking-both serves the masking-both strategy as a standalone vlmask plugin.
package main

import (
	maskingboth "github.com/vlmask/vlmask/plugins/masking-both"
	"github.com/vlmask/vlmask/sdk"
)

func main() { sdk.ServeMasking(maskingboth.New()) }

// Command vlmask-plugin-masking-vision serves the masking-vision strategy as a standalone vlmask plugin.
package main

import (
	maskingvision "github.com/vlmask/vlmask/plugins/masking-vision"
	"github.com/vlmask/vlmask/sdk"
)

func main() { sdk.ServeMasking(maskingvision.New()) }

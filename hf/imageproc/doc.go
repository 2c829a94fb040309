// Package imageproc turns an image file into the pixel values a
// vision-language model expects, exactly as Hugging Face transformers' slow
// (PIL) image processors produce them: Qwen2VLImageProcessor for Qwen2-VL,
// Qwen2.5-VL and Qwen3-VL (Config, Process), and, for ViT-style towers that
// take one fixed-size image, CLIPImageProcessor (LLaVA-1.5) and
// Gemma3ImageProcessor (Gemma 3) (ViTConfig, ProcessViT). The Qwen path:
//
//  1. decode the file (PNG in every mode, JPEG, GIF first frame, WebP),
//     apply the EXIF orientation as PIL's ImageOps.exif_transpose does, and
//     convert to 8-bit RGB as PIL's Image.convert("RGB") does: alpha is
//     dropped (no compositing), grey is replicated, palettes are looked up;
//  2. smart_resize the size to multiples of patch_size·merge_size inside
//     [min_pixels, max_pixels], rounding half to even like Python's round;
//  3. resize with a port of Pillow's fixed-point, antialiased bicubic
//     resampler (bit-exact with Pillow);
//  4. rescale by rescale_factor and normalize with image_mean/image_std in
//     float32, repeat the frame to temporal_patch_size and flatten it into
//     patches in the processor's order.
//
// The ViT path decodes the same way, resizes by the shortest edge (the long
// edge int(size · long / short), truncated) or to a fixed size with
// Pillow's bicubic or bilinear filter, crops the center as transformers'
// center_crop does (zero padding where the image is smaller), rescales and
// normalizes in the same arithmetic, and lays the values out channels
// first, [3, H, W]. Gemma 3's pan-and-scan is not applied: Gemma3Processor
// passes do_pan_and_scan=False unless a call asks for it, and the config's
// setting then only warns.
//
// Exactness. For PNG input the pixel values are bitwise equal to the
// reference: Go's image/png decodes exactly what Pillow decodes, and the
// resampler reproduces Pillow's integer arithmetic. JPEG input is not
// bit-exact: Go's image/jpeg uses a different IDCT, different YCbCr→RGB
// rounding and no "fancy" chroma upsampling compared with libjpeg-turbo,
// which Pillow uses, so decoded pixels differ by a few levels on smooth
// images and more at sharp chroma edges. Lossy WebP likewise differs from
// libwebp's YUV→RGB conversion. The resize and everything after it stay exact
// for the decoded pixels; only decoding differs.
//
// Mode conversions follow Pillow: 16-bit RGB and RGBA PNGs keep the high
// byte of each sample (Pillow unpacks them that way); 16-bit grey PNGs are
// clipped, min(v, 255), as Pillow's I;16/I → RGB conversion does, so most
// 16-bit grey images come out nearly white, as they do in transformers; LA is
// grey replicated; paletted images (PNG P, GIF) are looked up in the palette
// with any transparency dropped. CMYK JPEGs use Go's CMYK→RGB formula, which
// may differ from Pillow's by a level. A GIF's first frame smaller than its
// logical screen is placed on a black canvas of the screen's size, and a
// transparent palette entry reads as black (Go's decoder discards its RGB);
// both are approximations of Pillow. XMP orientation (which Pillow also
// honours when EXIF has none) is ignored.
//
// Files larger than PIL's decompression-bomb limit (2·89,478,485 pixels, the
// size at which PIL refuses to open an image, so transformers cannot process
// it either) are refused from their header, before any pixel is decoded.
//
// The package also offers Pillow's LANCZOS resampler in the same framework
// (ResizeLanczos, LimitResolution) for --max-image-resolution, which shrinks
// an image in memory before preprocessing. It matched Pillow 9.4.0 bit for
// bit on 40 random size pairs, as bicubic did on 40 more; its kernel uses
// math.Sin, whose last bit may differ from the C library's, so exactness is
// not guaranteed for every size.
//
// Calls go one way: the front end calls LoadConfig once per checkpoint, then
// DecodeFile (or Decode) and Process per image; the package calls no other
// vlmask package and holds no state.
package imageproc

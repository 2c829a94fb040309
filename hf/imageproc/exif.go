package imageproc

import "encoding/binary"

// tagOrientation is the EXIF/TIFF Orientation tag.
const tagOrientation = 0x0112

// exifOrientation reads the Orientation tag (1..8) from IFD0 of TIFF-format
// EXIF data. Anything missing, malformed or out of range reads as 1 (no
// change), as PIL's exif_transpose does nothing for values it does not know.
func exifOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(b[2:]) != 42 {
		return 1
	}
	ifd := uint64(bo.Uint32(b[4:]))
	if ifd+2 > uint64(len(b)) {
		return 1
	}
	n := uint64(bo.Uint16(b[ifd:]))
	for i := uint64(0); i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > uint64(len(b)) {
			return 1
		}
		if bo.Uint16(b[e:]) != tagOrientation {
			continue
		}
		if bo.Uint32(b[e+4:]) != 1 { // count
			return 1
		}
		v := orientationValue(bo, bo.Uint16(b[e+2:]), b[e+8:e+12])
		if v < 1 || v > 8 {
			return 1
		}
		return v
	}
	return 1
}

// orientationValue decodes a one-element tag value of TIFF type typ stored
// inline in the entry's 4-byte value field.
func orientationValue(bo binary.ByteOrder, typ uint16, field []byte) int {
	switch typ {
	case 1, 7: // BYTE, UNDEFINED
		return int(field[0])
	case 6: // SBYTE
		return int(int8(field[0]))
	case 3: // SHORT
		return int(bo.Uint16(field))
	case 8: // SSHORT
		return int(int16(bo.Uint16(field)))
	case 4: // LONG
		return int(bo.Uint32(field))
	case 9: // SLONG
		return int(int32(bo.Uint32(field)))
	}
	return 0
}

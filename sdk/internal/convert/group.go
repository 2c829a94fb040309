package convert

import pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"

// group is sdk.Group's shape (documented there), tags included.
type group = struct {
	Label     string `json:"label"`
	Positions []int  `json:"positions"`
}

// GroupsToProto converts sdk.Groups to their messages.
func GroupsToProto[G ~group](gs []G) []*pb.Group {
	out := make([]*pb.Group, len(gs))
	for i, g := range gs {
		g := group(g)
		pos := make([]int32, len(g.Positions))
		for k, p := range g.Positions {
			pos[k] = int32(p)
		}
		out[i] = &pb.Group{Label: g.Label, Positions: pos}
	}
	return out
}

// GroupsFromProto converts group messages to sdk.Groups.
func GroupsFromProto[G ~group](gs []*pb.Group) []G {
	out := make([]G, len(gs))
	for i, g := range gs {
		pos := make([]int, len(g.GetPositions()))
		for k, p := range g.GetPositions() {
			pos[k] = int(p)
		}
		out[i] = G(group{Label: g.GetLabel(), Positions: pos})
	}
	return out
}

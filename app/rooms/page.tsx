import type { Metadata } from "next";
import { RoomsView } from "../_components/rooms/RoomsView";

export const metadata: Metadata = { title: "Rooms" };

export default function RoomsPage() {
  return <RoomsView />;
}

import type { Metadata } from "next";
import { RoomView } from "../../_components/rooms/RoomView";

export const metadata: Metadata = { title: "Room" };

/** `/rooms/<id>?token=…`: the page a room invite link opens. The same path's websocket upgrades go to the room server. */
export default async function RoomPage({ params, searchParams }: { params: Promise<{ room: string }>; searchParams: Promise<{ token?: string | string[] }> }) {
  const { room } = await params;
  const { token } = await searchParams;
  return <RoomView roomId={room.toLowerCase()} urlToken={typeof token === "string" ? token : null} />;
}

import { useEffect, useState } from 'react';
import { log } from '../logger';

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

const EMPTY: DeviceLists = { cameras: [], microphones: [] };

/**
 * The cameras and microphones of this machine. Browsers give device labels only after a
 * permission grant, so the list is read again whenever an open track changes and whenever
 * a device is plugged in or out.
 */
export function useMediaDevices(cameraTrack: MediaStreamTrack | null, micTrack: MediaStreamTrack | null): DeviceLists {
  const [devices, setDevices] = useState<DeviceLists>(EMPTY);

  useEffect(() => {
    if (!('mediaDevices' in navigator)) {
      return;
    }
    let cancelled = false;
    const read = () => {
      navigator.mediaDevices.enumerateDevices().then(
        (all) => {
          if (!cancelled) {
            setDevices({
              cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
              microphones: all.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
            });
          }
        },
        (err: unknown) => log.warn('could not list media devices', err),
      );
    };
    read();
    navigator.mediaDevices.addEventListener('devicechange', read);
    return () => {
      cancelled = true;
      navigator.mediaDevices.removeEventListener('devicechange', read);
    };
  }, [cameraTrack, micTrack]);

  return devices;
}
